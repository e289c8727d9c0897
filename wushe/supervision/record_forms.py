"""The supervision record form (督导记录表) as a ``core.pdf`` spec; None gives the blank form."""

from wushe.core.pdf import Cells, Form, Section, Text


def session(s) -> Form:
    people = "、".join(u.full_name or u.username for u in s.attendees.all()) if s else ""
    return Form("督导记录表", "督导-01", sections=[
        Section("一、督导概况", [Cells([
            ("督导日期", f"{s.held_on:%Y年%m月%d日}" if s else ""), ("督导形式", s.get_kind_display() if s else ""),
            ("督导", str(s.supervisor.name) if s else ""), ("资质", s.supervisor.qualification if s else ""),
            ("时长（分钟）", str(s.minutes) if s else ""), ("站点", s.station.name if s else "")]),
            Text("参加社工", people), Text("督导主题", s.topics if s else ""),
            Text("讨论的个案/小组", "、".join([c.number for c in s.cases.all()] + [g.name for g in s.groups.all()])
                 if s else "")]),
        Section("二、记录", [Text("督导内容记录", s.record if s else ""), Text("跟进事项", s.actions if s else "")]),
    ], signatures=["督导签名", "被督导社工签名"])


FORMS = {"session": ("督导记录表", session)}
