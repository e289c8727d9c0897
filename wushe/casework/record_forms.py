"""The case work record forms (个案服务记录套表, after MZ/T 094) as ``core.pdf`` specs.

Each builder takes a case, or None for the blank form: labels are written once, and a
blank form is the same spec with nothing filled in.
"""

from django.utils import timezone

from wushe.core.pdf import Cells, Form, Rows, Section, Text


def _v(case, getter) -> str:
    if case is None:
        return ""
    value = getter(case)
    return "" if value is None else str(value)


def _date(d) -> str:
    return f"{d:%Y年%m月%d日}" if d else ""


def _client(case) -> list[tuple[str, str]]:
    r = case.resident if case else None
    return [
        ("服务对象", r.name if r else ""),
        ("性别", r.get_sex_display() if r else ""),
        ("年龄", _v(case, lambda c: c.resident.age())),
        ("所在社区", r.community.short_name if r else ""),
        ("证件号码", r.id_number_masked if r else ""),  # masked: a paper form travels
        ("联系电话", r.mobile_masked if r else ""),
    ]


def intake(case) -> Form:
    return Form("接案登记表", "个案-01", number=_v(case, lambda c: c.number), sections=[
        Section("一、服务对象基本情况", [Cells(_client(case))]),
        Section("二、接案信息", [
            Cells([("接案日期", _v(case, lambda c: _date(c.opened_on))),
                   ("个案来源", _v(case, lambda c: c.get_source_display())),
                   ("紧急程度", _v(case, lambda c: c.get_urgency_display())),
                   ("风险筛查", _v(case, lambda c: c.get_risk_display())),
                   ("责任社工", _v(case, lambda c: c.lead.full_name or c.lead.username)),
                   ("督导", _v(case, lambda c: c.supervisor and (c.supervisor.full_name or c.supervisor.username)))]),
            Text("求助问题/主诉", _v(case, lambda c: c.presenting_problem)),
            Text("风险说明", _v(case, lambda c: c.risk_note)),
            Text("关联需求", _v(case, lambda c: "；".join(str(n) for n in c.needs.all()))),
        ]),
        Section("三、接案决定", [
            Cells([("是否接案", _v(case, lambda c: "否" if c.stage == c.Stage.DECLINED else
                                   ("是" if c.accepted_on else ""))),
                   ("受理日期", _v(case, lambda c: _date(c.accepted_on))),
                   ("知情同意人", _v(case, lambda c: c.get_consent_by_display())),
                   ("签署服务协议日期", _v(case, lambda c: _date(c.consent_on)))]),
            Text("不予接案原因/转介去向", _v(case, lambda c: c.decline_reason)),
        ]),
    ], signatures=["社工签名", "服务对象（监护人）签名"])


def assessment(case) -> Form:
    a = case.assessments.first() if case else None

    def get(f):
        return getattr(a, f) if a else ""

    return Form("需求评估表", "个案-02", number=_v(case, lambda c: c.number), sections=[
        Section("一、服务对象基本情况", [Cells(_client(case))]),
        Section("二、预估", [
            Cells([("预估日期", _date(a.assessed_on) if a else ""),
                   ("预估社工", (a.author.full_name or a.author.username) if a else "")]),
            Text("个人系统", get("person")), Text("家庭系统", get("family")),
            Text("社区与社会支持系统", get("environment")), Text("优势与资源", get("strengths")),
            Text("风险评估", get("risks")), Text("问题摘要", get("summary")), Text("需求分析", get("need_analysis")),
        ]),
    ], signatures=["社工签名", "督导签名"])


def plan(case) -> Form:
    p = case.current_plan() if case else None
    return Form("服务计划表", "个案-03", number=_v(case, lambda c: c.number), sections=[
        Section("一、服务对象基本情况", [Cells(_client(case))]),
        Section("二、服务计划", [
            Cells([("计划版本", f"第 {p.version} 版" if p else ""), ("计划服务次数", str(p.sessions_planned) if p else ""),
                   ("制定日期", _date(timezone.localdate(p.created_at)) if p else ""),
                   ("修订说明", p.note if p else "")]),
            Text("总目标", p.aim if p else ""),
            Rows(["序号", "具体目标", "可测量指标"],
                 [[str(g.order), g.text, g.indicator] for g in p.goals.all()] if p else [], [0.1, 0.5, 0.4], 5),
            Rows(["任务", "负责人", "完成期限", "完成日期"],
                 [[t.text, t.owner.full_name or t.owner.username, _date(t.due_on), _date(t.done_on)]
                  for t in case.tasks.select_related("owner")] if case else [], [0.46, 0.18, 0.18, 0.18], 4),
        ]),
    ], signatures=["社工签名", "服务对象（监护人）签名", "督导签名"])


def sessions(case) -> Form:
    rows = [[_date(s.held_on), s.get_method_display(), str(s.minutes), s.place,
             f"{s.content}\n进展：{s.progress}" if s.progress else s.content, s.next_step]
            for s in case.sessions.order_by("held_on", "id")] if case else []
    return Form("个案服务记录表", "个案-04", number=_v(case, lambda c: c.number), sections=[
        Section("一、服务对象", [Cells(_client(case)[:4])]),
        Section("二、服务记录", [Rows(["日期", "方式", "时长(分)", "地点", "服务内容与目标进展", "下一步"], rows,
                                     [0.14, 0.1, 0.08, 0.12, 0.38, 0.18], 8)]),
    ], signatures=["社工签名", "督导签名"])


def closure(case) -> Form:
    e = case.evaluations.first() if case else None
    ratings = [[str(r.goal.order), r.goal.text, r.get_attainment_display()]
               for r in e.ratings.select_related("goal").order_by("goal__order")] if e else []
    return Form("结案表", "个案-06", number=_v(case, lambda c: c.number), sections=[
        Section("一、服务对象基本情况", [Cells(_client(case))]),
        Section("二、服务概况", [Cells([
            ("接案日期", _v(case, lambda c: _date(c.opened_on))), ("结案日期", _v(case, lambda c: _date(c.closed_on))),
            ("服务次数", _v(case, lambda c: c.sessions.count())),
            ("服务时长(小时)", _v(case, lambda c: round(sum(s.minutes for s in c.sessions.all()) / 60, 1))),
            ("结案原因", _v(case, lambda c: c.get_closure_reason_display()))])]),
        Section("三、目标达成评估", [
            Rows(["序号", "具体目标", "达成程度"], ratings, [0.1, 0.65, 0.25], 4),
            Text("服务对象反馈", e.client_feedback if e else ""), Text("社工反思", e.reflection if e else ""),
        ]),
        Section("四、结案", [Text("结案小结", _v(case, lambda c: c.closure_summary)),
                           Text("跟进回访安排", _v(case, lambda c: "；".join(
                               f"{_date(f.due_on)}" + (f"（已回访：{f.notes}）" if f.done_on else "")
                               for f in c.follow_ups.all())))]),
    ], signatures=["社工签名", "服务对象（监护人）签名", "督导/站长签名"])


# code → (name, builder); the order is the set's order.
FORMS = {
    "intake": ("接案登记表", intake),
    "assessment": ("需求评估表", assessment),
    "plan": ("服务计划表", plan),
    "sessions": ("个案服务记录表", sessions),
    "closure": ("结案表", closure),
}


def referral(r) -> Form:
    """转介表 (个案-05)."""
    res = r.resident if r else None
    return Form("转介表", "个案-05", number=f"转介 #{r.pk}" if r else "", sections=[
        Section("一、服务对象", [Cells([
            ("服务对象", res.name if res else ""), ("性别", res.get_sex_display() if res else ""),
            ("年龄", str(res.age() or "") if res else ""), ("所在社区", res.community.short_name if res else ""),
            ("来源个案", r.case.number if r and r.case_id else ""), ("来源需求", str(r.need) if r and r.need_id else "")])]),
        Section("二、转介", [
            Cells([("转出站点", r.from_station.name if r else ""), ("接收方", r.destination if r else ""),
                   ("服务对象意见", r.get_consent_display() if r else ""), ("征询日期", _date(r.consent_on) if r else "")]),
            Text("转介原因", r.reason if r else ""), Text("提供给接收方的信息", r.shared_info if r else ""),
            Text("未获同意仍转介的理由", r.override_reason if r else "")]),
        Section("三、接收与结果", [
            Cells([("状态", r.get_status_display() if r else ""),
                   ("接收方个案", r.received_case.number if r and r.received_case_id else "")]),
            Text("接收方意见", r.response_note if r else ""), Text("转介结果", r.outcome if r else "")]),
    ], signatures=["转出社工签名", "服务对象（监护人）签名", "接收方签名"])


# Blank forms for the field: the case set, and the referral form.
BLANK_FORMS = {**FORMS, "referral": ("转介表", referral)}
