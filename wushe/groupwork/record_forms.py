"""The group work record forms (小组活动记录套表, after MZ/T 095) as ``core.pdf`` specs;
None gives the blank form."""

from wushe.core.pdf import Cells, Form, Rows, Section, Text


def _date(d) -> str:
    return f"{d:%Y年%m月%d日}" if d else ""


def plan(group) -> Form:
    g = group
    members = [[m.resident.name, _date(m.joined_on), m.pre_assessment, "" if m.pre_score is None else str(m.pre_score)]
               for m in g.members.select_related("resident")] if g else []
    sessions = [[str(s.number), _date(s.held_on), s.get_stage_display(), s.theme]
                for s in g.sessions.all()] if g else []
    return Form("小组计划书", "小组-01", number=g.name if g else "", sections=[
        Section("一、小组概况", [Cells([
            ("小组名称", g.name if g else ""), ("小组类型", g.get_kind_display() if g else ""),
            ("带领者", "、".join(u.full_name or u.username for u in g.leaders.all()) if g else ""),
            ("招募对象", g.target if g else ""),
            ("计划节数", str(g.sessions_planned) if g else ""), ("组员名额", str(g.capacity) if g else ""),
            ("活动地点", str(g.room.name) if g and g.room else ""), ("预算（元）", str(g.budget) if g else "")]),
            Text("小组目标", g.aims if g else "")]),
        Section("二、组员与组前评估", [Rows(["组员", "入组日期", "组前评估", "前测"], members, [0.16, 0.18, 0.54, 0.12], 8)]),
        Section("三、各节安排", [Rows(["节次", "日期", "阶段", "主题"], sessions, [0.1, 0.2, 0.15, 0.55], 6)]),
    ], signatures=["带领者签名", "督导签名"])


def session(s) -> Form:
    present = [a.member.resident.name for a in s.attendance.select_related("member__resident") if a.present] if s else []
    absent = [a.member.resident.name for a in s.attendance.select_related("member__resident") if not a.present] \
        if s else []
    return Form("小组每节记录表", "小组-02", number=f"{s.group.name} 第{s.number}节" if s else "", sections=[
        Section("一、本节概况", [Cells([
            ("小组名称", s.group.name if s else ""), ("节次", f"第 {s.number} 节" if s else ""),
            ("日期", _date(s.held_on) if s else ""),
            ("时间", f"{s.starts:%H:%M}–{s.ends:%H:%M}" if s else ""),
            ("地点", (s.room.name if s.room else s.place) if s else ""), ("所处阶段", s.get_stage_display() if s else ""),
            ("本节主题", s.theme if s else ""), ("出席人数", str(len(present)) if s else "")]),
            Text("出席组员", "、".join(present)), Text("缺席组员", "、".join(absent))]),
        Section("二、记录", [Text("活动内容", s.content if s else ""),
                           Text("组员表现与小组动力观察", s.observations if s else ""),
                           Text("带领者反思", s.reflection if s else "")]),
    ], signatures=["带领者签名", "督导签名"])


FORMS = {"plan": ("小组计划书", plan), "session": ("小组每节记录表", session)}
