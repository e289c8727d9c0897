"""志愿服务证明 as an A4 PDF, in the record-form layout of ``core.pdf``: what
《志愿服务记录与证明出具办法》 asks a proof to state (the volunteer's basics, hours and content
over the period, the issuing station, its person in charge, the handler, number and date),
drawn only from the issued ``Proof`` and the entries it certified."""

from django.utils import timezone

from wushe.core import pdf
from wushe.volunteers.models import Proof


def _date(d) -> str:
    return d.strftime("%Y-%m-%d") if d else ""


def form(proof: Proof) -> pdf.Form:
    v = proof.volunteer
    entries = proof.entries.select_related("project__station").order_by("started_at", "id")
    hours = f"{proof.hours:g}"
    statement = (f"兹证明志愿者{v.name}（志愿者编号 {v.number}）于 {_date(proof.period_from)} 至 "
                 f"{_date(proof.period_to)} 期间参加志愿服务 {len(entries)} 次，经记录并确认的志愿服务时长累计 "
                 f"{hours} 小时（只计实际服务时间，不含往返路途）。\n特此证明。")
    return pdf.Form(
        title="志愿服务证明", code="志愿-01", issuer=proof.station.name, number=proof.number,
        sections=[
            pdf.Section("一、志愿者基本信息", [pdf.Cells([
                ("志愿者编号", v.number), ("姓名", v.name),
                ("身份证号", v.id_number_masked), ("注册站点", v.station.name)])]),
            pdf.Section("二、志愿服务情况", [
                pdf.Cells([("证明期间", f"{_date(proof.period_from)} 至 {_date(proof.period_to)}"),
                           ("服务时长合计", f"{hours} 小时")]),
                pdf.Rows(["服务日期", "服务项目", "服务内容", "组织单位", "时长（小时）"],
                         [[_date(timezone.localtime(e.started_at).date()), e.project.title, e.content,
                           e.project.station.name, f"{e.hours:g}"] for e in entries],
                         widths=[0.15, 0.27, 0.25, 0.2, 0.13]),
                pdf.Text("证明", statement)]),
            pdf.Section("三、出具信息", [pdf.Cells([
                ("出具单位", proof.station.name), ("证明编号", proof.number),
                ("负责人", proof.person_in_charge), ("经办人", proof.issued_by.full_name or proof.issued_by.username),
                ("出具日期", _date(timezone.localtime(proof.issued_at).date())), ("收费", "免费出具")])]),
        ],
        signatures=["出具单位（盖章）"])


def response(proof: Proof):
    return pdf.response(form(proof), f"志愿服务证明-{proof.number}.pdf")
