"""The design rule, route by route: outside your scope an object does not exist (404).

Every named route taking an object id (``pk``, ``code``, ``station_id`` …) is read from the
URL conf. Each must appear in ``MATRIX`` below, which says how to fill it with the objects
of one place; a new route that the matrix does not know fails ``test_matrix_knows_every_route``.

Each route is then requested by users from another station, street or district, filled
with objects that are not theirs: they must get 404, or 403 when their role lacks the
route's action everywhere (the guard refuses before any object is looked up), and the
objects must be unchanged afterwards. The same user then asks for the same route filled
with their own objects and gets through, so the test proves the difference.

A few routes need a second action on the object itself (a file's history is for managers):
those are marked ``own_needs``, and a user without that action gets 403 on their own objects,
after the scope check, so outside their scope it is still 404.

A few objects belong to no place (社工机构 are shared across divisions): those routes are
marked ``shared`` and checked the other way round: the page opens, but shows none of
the other place's stations.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.casework import factories as case_factories
from tests.factories import division, photo, station, user
from tests.people import factories as people_factories
from tests.scope import Route
from tests.scope import charity as scope_charity
from tests.scope import operations as scope_operations
from tests.scope import organizations as scope_organizations
from tests.scope import projects as scope_projects
from tests.scope import stats as scope_stats
from tests.scope import workforce as scope_workforce
from tests.volunteers import factories as volunteer_factories
from wushe.accounts.models import RoleAssignment, User
from wushe.accounts.roles import Action, Role
from wushe.accounts.scope import can, may
from wushe.accounts.services import api_token_issue
from wushe.activities import services as activity_services
from wushe.activities.models import Activity, Registration, SignIn
from wushe.casework import services as case_services
from wushe.casework.models import (
    Approval,
    Assessment,
    Case,
    CasePolicy,
    FollowUp,
    Grant,
    Plan,
    Referral,
    Task,
)
from wushe.casework.models import Session as CaseSession
from wushe.core.access import PUBLIC, SIGNED_IN, rule_of
from wushe.core.attachments import prepare
from wushe.core.divisions import Level
from wushe.core.models import Agency, Attachment, Division, Room, Station
from wushe.deliberation import services as deliberation_services
from wushe.deliberation.models import ActionItem, Deliberation, Resolution
from wushe.deliberation.models import Meeting as DeliberationMeeting
from wushe.groupwork import services as group_services
from wushe.groupwork.models import Group
from wushe.groupwork.models import Member as GroupMember
from wushe.groupwork.models import Session as GroupSession
from wushe.people import services as people_services
from wushe.people.models import ImportJob, Need, Resident, Survey, Tag, TransferRequest, Visit
from wushe.portal import services as portal_services
from wushe.portal.models import Request as PortalRequest
from wushe.supervision import services as supervision_services
from wushe.supervision.models import SupervisionSession, Supervisor
from wushe.volunteers import services as volunteer_services
from wushe.volunteers.models import Project as VolunteerProject
from wushe.volunteers.models import (
    Proof,
    RecordEntry,
    ServiceHours,
    Shift,
    TeamMember,
    TimeBankEntry,
    Volunteer,
)
from wushe.volunteers.models import Registration as VolunteerRegistration
from wushe.volunteers.models import Team as VolunteerTeam

# --- the routes ---------------------------------------------------------------------------------


def object_routes(patterns=None, namespace="") -> dict[str, tuple[tuple[str, ...], object]]:
    """Every named route with path parameters: namespaced name → (parameter names, view)."""
    found = {}
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            found |= object_routes(p.url_patterns, ":".join(filter(None, [namespace, p.namespace])))
        elif isinstance(p, URLPattern) and p.pattern.regex.groupindex:
            assert p.name, f"unnamed route with parameters: {p.pattern}"
            found[":".join(filter(None, [namespace, p.name]))] = (tuple(p.pattern.regex.groupindex), p.callback)
    return found


RESIDENT_NAMES = {"xiyuan": "孙西园", "sanliyan": "钱三里", "luyang": "赵庐阳"}


@dataclass
class Place:
    """The objects of one place: a street station, a room in it, a community, a member of staff,
    a resident of that community (with an ID number, two versions and an open need)."""

    key: str
    station: Station
    room: Room
    community: Division
    member: User
    assignment: RoleAssignment = field(init=False)
    agency: Agency = field(init=False)
    resident: Resident = field(init=False)
    id_number: str = field(init=False)
    need: Need = field(init=False)
    transfer: TransferRequest = field(init=False)
    survey: Survey = field(init=False)
    # Who asks for the place's import job: an import is its uploader's (and their managers').
    asking: User | None = field(init=False, default=None)
    jobs: dict = field(init=False, default_factory=dict)
    cases: dict = field(init=False, default_factory=dict)
    groups: dict = field(init=False, default_factory=dict)
    supervision: SupervisionSession | None = field(init=False, default=None)
    referrals: dict = field(init=False, default_factory=dict)
    community_activity: Activity | None = field(init=False, default=None)
    portal_request: PortalRequest | None = field(init=False, default=None)
    volunteers: dict = field(init=False, default_factory=dict)
    extra: dict = field(init=False, default_factory=dict)  # objects built by tests/scope/* modules
    photo: Attachment | None = field(init=False, default=None)
    deliberations: dict = field(init=False, default_factory=dict)

    def __post_init__(self):
        self.assignment = self.member.assignments.get()
        # Each place's 社工站 is run by its own agency.
        self.agency = Agency.objects.create(name=f"{self.key}社工服务中心")
        Station.objects.filter(pk=self.station.pk).update(agency=self.agency)
        self.id_number = people_factories.id_number()
        resident = people_factories.resident(
            RESIDENT_NAMES[self.key], station=self.station, community=self.community, actor=self.member,
            id_number=self.id_number, mobile=people_factories.mobile(), note="初次建档")
        # A second version, so there is an older one to restore.
        self.resident = people_services.resident_update(actor=self.member, resident=resident,
                                                        data={"note": "第二次修改"})
        self.need = people_services.need_create(actor=self.member, data={
            "resident": self.resident, "category": Need.Category.CARE, "description": "需要助餐",
            "source": Need.Source.HOTLINE})

        # A pending request to take this place's file over (decided by this place's managers).
        self.transfer = TransferRequest.objects.create(
            resident=self.resident, to_station=self.station, to_community=self.community,
            requested_by=self.member, reason="已迁入")
        self.survey = people_services.survey_create(
            actor=self.member, station=self.station, title=f"{self.key}助餐需求调查", intro="",
            questions=[{"text": "是否需要助餐", "kind": "single", "options": "需要\n不需要",
                        "need_option": "需要", "need_category": Need.Category.CARE}])
        self.import_job()

    def import_job(self, uploader: User | None = None) -> ImportJob:
        """A checked ledger upload at this station, waiting to be confirmed (one per uploader)."""
        uploader = uploader or self.member
        if uploader.pk not in self.jobs:
            self.jobs[uploader.pk] = ImportJob.objects.create(
                user=uploader, station=self.station, community=self.community, source_name=f"{self.key}台账.xlsx",
                file_path=f"/nonexistent/{self.key}.xlsx", status=ImportJob.Status.READY, rows_read=1,
                planned_creates=1, issues=[[3, "身份证号", "校验位不正确"]])
        return self.jobs[uploader.pk]

    def case(self, stage: str = "intake") -> Case:
        """A case of this place's resident at ``stage``, led by the place's 社工. When a user of
        this place asks, the step is theirs to take: for an approval ("approval") they are the
        case's supervisor, otherwise a member of its team (who never approves their own work)."""
        asking = self.asking if self.asking and can(self.asking, Action.CASE_WORK, self.resident) else None
        key = (stage, asking and asking.pk)
        if key not in self.cases:
            lead = self.member
            deciding = asking if stage == "approval" else None
            approver = deciding or user(f"dudao_{self.key}_{len(self.cases)}", Role.SUPERVISOR, station=self.station)
            team = [asking] if asking and not deciding and asking.pk != lead.pk else []
            case = case_services.case_open(actor=lead, resident=self.resident, team=team,
                                           data={"source": "self", "presenting_problem": "独居，情绪低落"})
            Case.objects.filter(pk=case.pk).update(supervisor=approver)  # any role may supervise here
            case = Case.objects.get(pk=case.pk)
            people = {"supervisor": approver}
            case = case_factories.to_stage(case, "assessment" if stage in ("approval", "closed") else stage, people)
            if stage in ("approval", "closed"):
                case_services.assessment_add(actor=lead, case=case, data={"person": "x", "summary": "x",
                                                                           "need_analysis": "x"})
                case_services.case_advance(actor=lead, case=case)
            if stage == "closed":
                case_factories.approve_pending(case_factories.fresh(case), people)
                case = case_factories.fresh(case)
                case_services.case_close(actor=lead, case=case, reason="referred", summary="已转介")
                case_factories.approve_pending(case_factories.fresh(case), people)
            if stage in ("planning", "intervention", "evaluation"):
                case_services.task_add(actor=lead, case=case, data={"text": "联系社区", "owner": lead,
                                                                    "due_on": people_factories.today()})
            self.cases[key] = case_factories.fresh(case)
        return self.cases[key]

    def group(self) -> Group:
        """A group of this place with one member and one session held today; a user of this
        place who asks leads it too."""
        asking = self.asking if self.asking and can(self.asking, Action.GROUP_WORK, self.station) else None
        key = asking and asking.pk
        if key not in self.groups:
            group = group_services.group_create(actor=self.member, station=self.station, leaders=[asking] if asking
                                                else [], data={"name": f"{self.key}互助小组", "kind": "support",
                                                               "aims": "互助", "target": "独居老人", "capacity": 20})
            group_services.member_add(actor=self.member, group=group, resident=self.resident)
            group_services.session_plan(actor=self.member, group=group, data={
                "held_on": people_factories.today(), "starts": datetime.time(8 + len(self.groups)),
                "ends": datetime.time(8 + len(self.groups), 45), "room": self.room, "theme": "相识", "stage": ""})
            self.groups[key] = group
        return self.groups[key]

    def referral_out(self) -> Referral:
        """A referral out of this place's case to an agency outside the platform."""
        if "out" not in self.referrals:
            case = self.case("intervention")
            self.referrals["out"] = case_services.referral_create(
                actor=case.lead, resident=self.resident, case=case, data={
                    "to_agency": "区残联", "to_kind": "disability", "reason": "康复辅具", "shared_info": "基本情况",
                    "consent": "agreed"})
        return self.referrals["out"]

    def referral_in(self) -> Referral:
        """A referral into this place's station from a station of a district no test actor covers."""
        if "in" not in self.referrals:
            if not Division.objects.filter(code="340111000000").exists():
                division("340111", "包河区", Level.COUNTY)
            street = Division.objects.filter(code="340111001000").first() or division(
                "340111001", "包公街道", Level.TOWN, "urban")
            community = Division.objects.filter(code="340111001001").first() or division(
                "340111001001", "包公社区居委会", Level.VILLAGE, "urban")
            sender_station = Station.objects.filter(division=street).first() or station(street, name="包公街道社工站")
            sender = user(f"sender_{self.key}", Role.WORKER, station=sender_station)
            resident = people_factories.resident(f"转介{self.key}", station=sender_station, community=community,
                                                 actor=sender)
            need = people_services.need_create(actor=sender, data={
                "resident": resident, "category": Need.Category.CARE, "description": "搬家后需要照料",
                "source": Need.Source.HOTLINE})
            self.referrals["in"] = case_services.referral_create(
                actor=sender, resident=resident, need=need, data={
                    "to_station": self.station, "reason": "已搬家", "shared_info": "基本情况", "consent": "agreed"})
        return self.referrals["in"]

    def activity(self) -> Activity:
        """An activity of this place tomorrow, with one registration."""
        if self.community_activity is None:
            start = timezone.now() + datetime.timedelta(days=1)
            self.community_activity = activity_services.activity_save(
                actor=self.member, station=self.station, data={
                    "title": f"{self.key}游园会", "category": "health", "starts_at": start,
                    "ends_at": start + datetime.timedelta(hours=2), "capacity": 10, "place": "广场"})
            activity_services.register(activity=self.community_activity, name="报名者",
                                       mobile=people_factories.mobile(), actor=self.member)
        return self.community_activity

    def volunteering(self, part: str):
        """Volunteer service at this place: a volunteer signed up (pending) for a shift under way
        of its project, with one confirmed and one recorded hours entry, a team, a proof, and a
        second volunteer of the place not yet on the shift."""
        if not self.volunteers:
            now = timezone.now()
            v = volunteer_factories.volunteer(self.member, self.station, name=f"{self.key}志愿者")
            project = volunteer_factories.project(self.member, self.station, title=f"{self.key}探访")
            shift = volunteer_factories.shift(self.member, project, starts_in=-datetime.timedelta(minutes=30))
            registration = volunteer_services.shift_sign_up(shift=shift, volunteer=v)
            volunteer_services.hours_enter(actor=self.member, project=project, volunteer=v,
                                           data=volunteer_factories.past(6, 60))
            recorded = ServiceHours.objects.create(
                volunteer=v, project=project, shift=shift, content="探访", started_at=now - datetime.timedelta(hours=3),
                ended_at=now - datetime.timedelta(hours=2), minutes=60, status="recorded", source="qr")
            team = volunteer_services.team_save(actor=self.member, station=self.station, data={"name": f"{self.key}队"})
            proof = volunteer_services.proof_issue(actor=self.member, volunteer=v, period_from=people_factories.today(
            ) - datetime.timedelta(days=3), period_to=people_factories.today(), person="站长")
            spare = volunteer_factories.volunteer(self.member, self.station, name=f"{self.key}新志愿者")
            self.volunteers = {"volunteer": v, "project": project, "shift": shift, "registration": registration,
                               "hours": recorded, "team": team, "proof": proof, "spare": spare}
        return self.volunteers[part]

    def attachment(self) -> Attachment:
        """A photo on this place's activity."""
        if self.photo is None:
            self.photo = activity_services.activity_photos_add(actor=self.member, activity=self.activity(),
                                                               photos=prepare([photo()]))[0]
        return self.photo

    def request(self) -> PortalRequest:
        """A resident's request (诉求) to this place's station, not yet handled."""
        if self.portal_request is None:
            self.portal_request = portal_services.request_file(
                station=self.station, community=self.community, category="care", description="需要助餐",
                name="诉求人", mobile=people_factories.mobile())
        return self.portal_request

    def deliberation(self, part: str = "topic"):
        """A topic of this place, decided by consensus at yesterday's meeting, with one open
        action item: ``part`` is "topic", "meeting", "resolution" or "item"."""
        if not self.deliberations:
            topic = deliberation_services.topic_create(actor=self.member, station=self.station, data={
                "community": self.community, "title": f"{self.key}楼道灯不亮", "category": "facilities",
                "description": "楼道灯坏了", "public": True, "source": "staff", "proposer_name": "",
                "proposer_mobile": ""})
            meeting = deliberation_services.meeting_record(actor=self.member, station=self.station, topics=[topic],
                                                           data={"held_at": timezone.now() - datetime.timedelta(days=1),
                                                                 "place": "议事厅", "host": "书记", "participants": 10,
                                                                 "attendees": "居民代表", "minutes": "协商"})
            resolution = deliberation_services.resolution_add(actor=self.member, meeting=meeting, deliberation=topic,
                                                              decision="物业更换楼道灯", method="consensus")
            item = deliberation_services.item_add(actor=self.member, resolution=resolution, what="更换楼道灯",
                                                  owner="物业公司", deadline=people_factories.today())
            self.deliberations = {"topic": Deliberation.objects.get(pk=topic.pk), "meeting": meeting,
                                  "resolution": resolution, "item": item}
        return self.deliberations[part]

    def proposal(self) -> Deliberation:
        """A resident's topic proposed to this place's station, not yet accepted."""
        if "proposal" not in self.deliberations:
            self.deliberation()  # the decided topic first: deliberation() builds only into an empty dict
            self.deliberations["proposal"] = deliberation_services.topic_propose(
                station=self.station, community=self.community, title="提议", description="想商量的事",
                category="other", name="提议人", mobile=people_factories.mobile())
        return self.deliberations["proposal"]

    def supervision_session(self) -> SupervisionSession:
        """A supervision session at this place, with an expert serving this street."""
        if self.supervision is None:
            expert = Supervisor.objects.create(name=f"{self.key}专家", kind="external", qualification="高级社会工作师",
                                               division=self.station.division, created_by=self.member)
            self.supervision = supervision_services.session_record(
                actor=self.member, station=self.station, attendees=[self.member], data={
                    "supervisor": expert, "kind": "individual", "held_on": people_factories.today(), "minutes": 60,
                    "topics": "会谈技巧", "record": "示范"})
        return self.supervision

    @property
    def first_version(self) -> int:
        return self.resident.history.order_by("history_date", "history_id").first().history_id

    def snapshot(self):
        """What a request from outside must leave as it was."""
        s = Station.objects.get(pk=self.station.pk)
        m = User.objects.get(pk=self.member.pk)
        return (
            (s.name, s.tier, s.status, s.address, s.division_id),
            sorted(self.station.rooms.values_list("name", "kind", "capacity")),
            (m.full_name, m.password, m.is_active, m.must_change_password),
            sorted(m.assignments.values_list("role", "station_id", "division_id")),
            Resident.objects.filter(pk=self.resident.pk).values(
                "name", "note", "station_id", "community_id", "risk", "last_visit_on", "visit_due_on",
                "id_number_hash", "mobile_hash").get(),
            self.resident.history.count(),
            sorted(Need.objects.filter(community=self.community).values_list("pk", "status", "close_reason")),
            Visit.objects.filter(resident=self.resident).count(),
            sorted(ImportJob.objects.filter(station=self.station).values_list("pk", "status", "all_or_nothing")),
            sorted(TransferRequest.objects.filter(resident=self.resident).values_list("pk", "status")),
            Resident.objects.filter(pk=self.resident.pk).exists(),
            self.survey.responses.count(),
            sorted(Case.objects.filter(station=self.station).values_list(
                "pk", "stage", "closure_reason", "decline_reason", "consent_on")),
            sorted(Approval.objects.filter(case__station=self.station).values_list("pk", "status")),
            CaseSession.objects.filter(case__station=self.station).count(),
            Assessment.objects.filter(case__station=self.station).count(),
            sorted(Plan.objects.filter(case__station=self.station).values_list("pk", "version")),
            sorted(Task.objects.filter(case__station=self.station).values_list("pk", "done_on")),
            sorted(FollowUp.objects.filter(case__station=self.station).values_list("pk", "done_on")),
            Grant.objects.filter(case__station=self.station).count(),
            sorted(Group.objects.filter(station=self.station).values_list("pk", "stage", "summary")),
            sorted(GroupMember.objects.filter(group__station=self.station).values_list("pk", "post_score")),
            sorted(GroupSession.objects.filter(group__station=self.station).values_list(
                "pk", "held_on", "starts", "recorded", "content")),
            sorted(Supervisor.objects.filter(division=self.station.division).values_list("pk", "name", "active")),
            sorted(Referral.objects.filter(Q(from_station=self.station) | Q(to_station=self.station))
                   .values_list("pk", "status", "outcome")),
            sorted(Activity.objects.filter(station=self.station).values_list("pk", "title", "status", "summary")),
            sorted(Registration.objects.filter(activity__station=self.station).values_list("pk", "status")),
            SignIn.objects.filter(activity__station=self.station).count(),
            sorted(Activity.needs.through.objects.filter(activity__station=self.station).values_list("need_id",
                                                                                                    flat=True)),
            sorted(PortalRequest.objects.filter(station=self.station).values_list("pk", "status", "reply")),
            sorted(Deliberation.objects.filter(station=self.station).values_list(
                "pk", "title", "community_id", "status", "reply", "public")),
            sorted(DeliberationMeeting.objects.filter(station=self.station).values_list("pk", "minutes")),
            sorted(Resolution.objects.filter(meeting__station=self.station).values_list("pk", "decision", "passed")),
            sorted(ActionItem.objects.filter(resolution__meeting__station=self.station).values_list(
                "pk", "status", "done_on", "evidence")),
            sorted(Volunteer.objects.filter(station=self.station).values_list("pk", "name", "status", "skills")),
            sorted(VolunteerRegistration.objects.filter(shift__project__station=self.station).values_list(
                "pk", "status")),
            sorted(ServiceHours.objects.filter(project__station=self.station).values_list("pk", "status", "minutes")),
            sorted(VolunteerProject.objects.filter(station=self.station).values_list("pk", "title", "status")),
            sorted(Shift.objects.filter(project__station=self.station).values_list("pk", "position", "needed")),
            sorted(VolunteerTeam.objects.filter(station=self.station).values_list("pk", "name")),
            sorted(TeamMember.objects.filter(team__station=self.station).values_list("pk", "leader")),
            Proof.objects.filter(station=self.station).count(),
            sorted(Attachment.objects.filter(station=self.station).values_list("pk", flat=True)),
            TimeBankEntry.objects.filter(volunteer__station=self.station).count(),
            RecordEntry.objects.filter(volunteer__station=self.station).count(),
            *(module.snapshot(self) for module in SECTIONS),
            CasePolicy.objects.filter(station=self.station).values_list(
                "approve_assessment", "approve_plan", "approve_closure").first(),
        )


def _station_post(p: Place):
    return {"name": p.station.name + "（改）", "tier": p.station.tier, "division": p.station.division_id,
            "address": "改过的地址", "status": "active"}


def _resident_post(p: Place):
    """The edit form, valid: ID number and mobile left blank (kept), a new note."""
    return {"station": p.station.pk, "community": p.community.code, "name": p.resident.name, "id_number": "",
            "mobile": "", "risk": "medium", "consent_by": "self", "consent_method": "paper",
            "consent_on": people_factories.today().isoformat(), "note": "被改过的备注"}


def _visit_post(p: Place):
    return {"visited_on": (people_factories.today() - datetime.timedelta(days=1)).isoformat(), "kind": "home",
            "findings": "入户查看，情况稳定", "risk": "high"}


def _at(hours_ago: float) -> str:
    return timezone.localtime(timezone.now() - datetime.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def _vol(part):
    return lambda p: {"pk": p.volunteering(part).pk}


VOLUNTEER_ROUTES = {
    "volunteers:volunteer": Route(_vol("volunteer")),
    "volunteers:volunteer_edit": Route(_vol("volunteer"), ("GET", "POST"), lambda p: {
        "name": "改过的名字", "skills": "理发", "availability": "any", "emergency_name": "家属",
        "consent_on": people_factories.today().isoformat()}),
    "volunteers:volunteer_leave": Route(_vol("volunteer"), ("POST",), lambda p: {"status": "left"}),
    "volunteers:record_add": Route(_vol("volunteer"), ("GET", "POST"), lambda p: {
        "kind": "training", "on": people_factories.today().isoformat(), "content": "急救培训"}),
    "volunteers:proof_new": Route(_vol("volunteer"), ("GET", "POST"), lambda p: {
        "period_from": (people_factories.today() - datetime.timedelta(days=30)).isoformat(),
        "period_to": people_factories.today().isoformat(), "person": "站长"}),
    "volunteers:time_bank": Route(_vol("volunteer"), ("GET", "POST"), lambda p: {"credits": "1", "reason": "奖励"}),
    "volunteers:proof": Route(_vol("proof")),
    "volunteers:team": Route(_vol("team"), ("GET", "POST"), lambda p: {
        "number": p.volunteering("volunteer").number, "action": "lead"}),
    "volunteers:team_edit": Route(_vol("team"), ("GET", "POST"), lambda p: {"name": "改过的队", "description": ""}),
    "volunteers:project": Route(_vol("project")),
    "volunteers:project_edit": Route(_vol("project"), ("GET", "POST"), lambda p: {
        "title": "改过的项目", "category": "comfort", "min_age": "16", "max_age": "70", "public": "on"}),
    "volunteers:project_close": Route(_vol("project"), ("POST",), lambda p: {}),
    "volunteers:shift_new": Route(_vol("project"), ("GET", "POST"), lambda p: {
        "position": "新岗位", "starts_at": _at(-24), "ends_at": _at(-26), "place": "广场", "needed": "2"}),
    "volunteers:hours_enter": Route(_vol("project"), ("GET", "POST"), lambda p: {
        "number": p.volunteering("volunteer").number, "started_at": _at(10), "ended_at": _at(9), "minutes": "30",
        "content": "补录"}),
    "volunteers:shift": Route(_vol("shift")),
    "volunteers:shift_qr": Route(_vol("shift")),
    "volunteers:shift_edit": Route(_vol("shift"), ("GET", "POST"), lambda p: {
        "position": "改过的岗位", "starts_at": _at(0.5), "ends_at": _at(-2.5), "place": "广场", "needed": "5"}),
    "volunteers:shift_sign_up": Route(_vol("shift"), ("POST",), lambda p: {"number": p.volunteering("spare").number}),
    "volunteers:registration": Route(lambda p: {"pk": p.volunteering("shift").pk,
                                                "registration_pk": p.volunteering("registration").pk},
                                     ("POST",), lambda p: {"action": "confirm"}),
    "volunteers:hours_confirm": Route(_vol("hours"), ("POST",), lambda p: {}),
    "volunteers:hours_correct": Route(_vol("hours"), ("GET", "POST"), lambda p: {
        "started_at": _at(3), "ended_at": _at(2), "minutes": "50", "content": "探访", "reason": "少算"}),
    "volunteers_public:station": Route(lambda p: {"key": "x"}, public=True),
    "volunteers_public:project": Route(lambda p: {"token": p.volunteering("project").token}, public=True),
    "volunteers_public:shift": Route(lambda p: {"token": p.volunteering("shift").token}, public=True),
    "volunteers_public:my_proof": Route(lambda p: {"pk": p.volunteering("proof").pk}, public=True),
    "api:volunteer": Route(lambda p: {"volunteer_id": p.volunteering("volunteer").pk}, api=True,
                           action=Action.VOLUNTEER_MANAGE),
    **{name: Route(lambda p: {"project_id": p.volunteering("project").pk}, api=True, action=Action.VOLUNTEER_MANAGE)
       for name in ("api:volunteer_project", "api:volunteer_project_shifts", "api:volunteer_project_hours")},
    "api:volunteer_shift_registrations": Route(lambda p: {"shift_id": p.volunteering("shift").pk}, api=True,
                                               action=Action.VOLUNTEER_MANAGE),
}

SECTIONS = (scope_organizations, scope_charity, scope_projects, scope_workforce, scope_operations, scope_stats)

MATRIX: dict[str, Route] = {
    **{name: route for module in SECTIONS for name, route in module.ROUTES.items()},
    "core:division": Route(lambda p: {"code": p.community.code}),
    "core:station": Route(lambda p: {"pk": p.station.pk}),
    "core:station_edit": Route(lambda p: {"pk": p.station.pk}, ("GET", "POST"), _station_post),
    "core:station_close": Route(lambda p: {"pk": p.station.pk}, ("POST",),
                                lambda p: {"closed_on": datetime.date.today().isoformat(), "reason": "测试撤销"}),
    "core:station_reopen": Route(lambda p: {"pk": p.station.pk}, ("POST",), lambda p: {}),
    "core:room_create": Route(lambda p: {"pk": p.station.pk}, ("GET", "POST"),
                              lambda p: {"name": "新功能室", "kind": "other"}),
    "core:room_edit": Route(lambda p: {"pk": p.station.pk, "room_pk": p.room.pk}, ("GET", "POST"),
                            lambda p: {"name": "改名的功能室", "kind": "other", "capacity": "99"}),
    "accounts:user": Route(lambda p: {"pk": p.member.pk}),
    "accounts:user_edit": Route(lambda p: {"pk": p.member.pk}, ("POST",),
                                lambda p: {"full_name": "被改名", "is_active": ""}),
    "accounts:user_reset_password": Route(lambda p: {"pk": p.member.pk}, ("POST",), lambda p: {}),
    "accounts:role_grant": Route(lambda p: {"pk": p.member.pk}, ("POST",),
                                 lambda p: {"role": Role.VOLUNTEER, "division": p.community.code}),
    "accounts:role_revoke": Route(lambda p: {"pk": p.member.pk, "assignment_pk": p.assignment.pk}, ("POST",),
                                  lambda p: {}),
    "core:agency": Route(lambda p: {"pk": p.agency.pk}, shared=True),
    "core:agency_edit": Route(lambda p: {"pk": p.agency.pk}, shared=True),
    # The 人员类别 list is the platform's: only the 系统管理员 keeps it (403 for everyone else).
    "people:tag_edit": Route(lambda p: {"pk": Tag.objects.get_or_create(name="独居老人")[0].pk}, shared=True),
    "api:division": Route(lambda p: {"code": p.community.code}, api=True),
    "api:station": Route(lambda p: {"station_id": p.station.pk}, api=True),
    "api:resident": Route(lambda p: {"resident_id": p.resident.pk}, api=True, action=Action.PERSON_VIEW),
    "api:resident_update": Route(lambda p: {"resident_id": p.resident.pk}, ("PATCH",),
                                 lambda p: {"note": "被改过的备注", "risk": "high"}, api=True,
                                 action=Action.PERSON_VIEW),
    "api:resident_needs": Route(lambda p: {"resident_id": p.resident.pk}, api=True, action=Action.PERSON_VIEW),
    "api:resident_need_create": Route(lambda p: {"resident_id": p.resident.pk}, ("POST",),
                                      lambda p: {"category": "care", "description": "需要陪同就医",
                                                 "source": "hotline"}, api=True, action=Action.PERSON_VIEW),
    "api:need_status": Route(lambda p: {"need_id": p.need.pk}, ("POST",), lambda p: {"status": "matched"},
                             api=True, action=Action.PERSON_VIEW),
    "api:visit_create": Route(lambda p: {"resident_id": p.resident.pk}, ("POST",),
                              lambda p: {"findings": "入户查看，情况稳定", "risk": "high"}, api=True,
                              action=Action.PERSON_VIEW),
    "people:resident": Route(lambda p: {"pk": p.resident.pk}),
    "people:resident_edit": Route(lambda p: {"pk": p.resident.pk}, ("GET", "POST"), _resident_post),
    "people:resident_reveal": Route(lambda p: {"pk": p.resident.pk, "field": "id_number"}, ("POST",),
                                    lambda p: {}),
    "people:resident_history": Route(lambda p: {"pk": p.resident.pk}, own_needs=Action.USER_MANAGE),
    "people:resident_restore": Route(lambda p: {"pk": p.resident.pk, "history_id": p.first_version}, ("POST",),
                                     lambda p: {}, own_needs=Action.USER_MANAGE),
    "people:need_add": Route(lambda p: {"pk": p.resident.pk}, ("POST",),
                             lambda p: {"category": "care", "description": "需要陪同就医", "source": "hotline",
                                        "urgency": "urgent"}),
    "people:need_status": Route(lambda p: {"pk": p.need.pk}, ("POST",), lambda p: {"status": "matched", "reason": ""}),
    "people:visit_add": Route(lambda p: {"pk": p.resident.pk}, ("GET", "POST"), _visit_post),
    # Import jobs: the one asked for is the asking user's own upload at their place.
    # Merging a file with itself is refused after the scope check: outsiders get 404 first.
    "people:resident_merge": Route(lambda p: {"pk": p.resident.pk, "other_pk": p.resident.pk}, ("POST",),
                                   lambda p: {}),
    "people:transfer_decide": Route(lambda p: {"pk": p.transfer.pk}, ("POST",),
                                    lambda p: {"decision": "decline", "note": "不在本辖区"}),
    "people:survey": Route(lambda p: {"pk": p.survey.pk}),
    "people:survey_respond": Route(lambda p: {"pk": p.survey.pk}, ("GET", "POST"),
                                   lambda p: {"community": p.community.code,
                                              f"q{p.survey.questions.get().pk}": "不需要"}),
    "casework:case": Route(lambda p: {"pk": p.case().pk}),
    "api:case": Route(lambda p: {"case_id": p.case().pk}, api=True, action=Action.CASE_WORK),
    "api:case_plan": Route(lambda p: {"case_id": p.case("intervention").pk}, api=True, action=Action.CASE_WORK),
    "api:case_sessions": Route(lambda p: {"case_id": p.case("intervention").pk}, api=True, action=Action.CASE_WORK),
    "api:case_session_create": Route(lambda p: {"case_id": p.case("intervention").pk}, ("POST",),
                                     lambda p: {"held_on": people_factories.today().isoformat(), "minutes": 30,
                                                "place": "站内", "method": "interview", "content": "面谈"},
                                     api=True, action=Action.CASE_WORK),
    "casework:accept": Route(lambda p: {"pk": p.case().pk}, ("GET", "POST"),
                             lambda p: {"consent_by": "self", "consent_on": people_factories.today().isoformat()}),
    "casework:decline": Route(lambda p: {"pk": p.case().pk}, ("GET", "POST"),
                              lambda p: {"decline_reason": "已转介区残联"}),
    "casework:assessment_new": Route(lambda p: {"pk": p.case("assessment").pk}, ("GET", "POST"),
                                     lambda p: {"assessed_on": people_factories.today().isoformat(), "person": "x",
                                                "summary": "孤独", "need_analysis": "情绪支持"}),
    "casework:advance": Route(lambda p: {"pk": p.case("intervention").pk}, ("POST",), lambda p: {}),
    "casework:plan": Route(lambda p: {"pk": p.case("planning").pk}, ("GET", "POST"),
                           lambda p: {"aim": "缓解孤独", "goals": "改善情绪 | 量表下降3分", "sessions_planned": "6",
                                      "note": ""}),
    "casework:task_new": Route(lambda p: {"pk": p.case("planning").pk}, ("GET", "POST"),
                               lambda p: {"text": "联系社区", "owner": p.case("planning").lead_id,
                                          "due_on": people_factories.today().isoformat()}),
    "casework:task_done": Route(lambda p: {"pk": p.case("planning").pk,
                                           "task_pk": p.case("planning").tasks.first().pk}, ("POST",), lambda p: {}),
    "casework:session_new": Route(lambda p: {"pk": p.case("intervention").pk}, ("GET", "POST"),
                                  lambda p: {"held_on": people_factories.today().isoformat(), "minutes": "45",
                                             "place": "家中", "method": "home", "content": "面谈"}),
    "casework:evaluation_new": Route(lambda p: {"pk": p.case("evaluation").pk}, ("GET", "POST"),
                                     lambda p: {"evaluated_on": people_factories.today().isoformat(),
                                                "client_feedback": "好", "reflection": "好",
                                                **{f"goal_{g.pk}": "2" for g in p.case("evaluation").current_plan()
                                                   .goals.all()}}),
    "casework:close": Route(lambda p: {"pk": p.case("intervention").pk}, ("GET", "POST"),
                            lambda p: {"closure_reason": "moved", "closure_summary": "已迁出"}),
    "casework:decide": Route(lambda p: {"pk": p.case("approval").pk,
                                        "approval_pk": p.case("approval").pending_approval().pk}, ("GET", "POST"),
                             lambda p: {"decision": "approve", "comment": ""}),
    "casework:follow_up": Route(lambda p: {"pk": p.case("closed").pk,
                                           "follow_up_pk": p.case("closed").follow_ups.first().pk}, ("GET", "POST"),
                                lambda p: {"done_on": people_factories.today().isoformat(), "notes": "电话回访"}),
    "casework:grant_new": Route(lambda p: {"pk": p.case().pk}, ("GET", "POST"),
                                lambda p: {"user": p.member.pk, "reason": "代班"}),
    "casework:case_form": Route(lambda p: {"pk": p.case("evaluation").pk, "form": "plan"}),
    "groupwork:group": Route(lambda p: {"pk": p.group().pk}),
    "groupwork:member_add": Route(lambda p: {"pk": p.group().pk}, ("GET", "POST"),
                                  lambda p: {"resident": p.resident.pk, "joined_on": people_factories.today()
                                             .isoformat()}),
    "groupwork:member": Route(lambda p: {"pk": p.group().pk, "member_pk": p.group().members.get().pk},
                              ("GET", "POST"), lambda p: {"post_score": "9", "feedback": "很开心"}),
    "groupwork:session_new": Route(lambda p: {"pk": p.group().pk}, ("GET", "POST"),
                                   lambda p: {"held_on": people_factories.today().isoformat(), "starts": "19:00",
                                              "ends": "20:00", "room": p.room.pk, "theme": "再相聚"}),
    "groupwork:session_edit": Route(lambda p: {"pk": p.group().pk, "session_pk": p.group().sessions.get().pk},
                                    ("GET", "POST"), lambda p: {"held_on": people_factories.today().isoformat(),
                                                                "starts": "20:00", "ends": "21:00",
                                                                "room": p.room.pk, "theme": "改期"}),
    "groupwork:session_record": Route(lambda p: {"pk": p.group().pk, "session_pk": p.group().sessions.get().pk},
                                      ("GET", "POST"), lambda p: {"present": [p.group().members.get().pk],
                                                                  "content": "破冰"}),
    "groupwork:session_form": Route(lambda p: {"pk": p.group().pk, "session_pk": p.group().sessions.get().pk}),
    "groupwork:advance": Route(lambda p: {"pk": p.group().pk}, ("POST",), lambda p: {}),
    "groupwork:close": Route(lambda p: {"pk": p.group().pk}, ("GET", "POST"), lambda p: {"summary": "结束"}),
    "groupwork:plan_form": Route(lambda p: {"pk": p.group().pk}),
    "groupwork:blank_form": Route(lambda p: {"form": "plan"}, shared=True),
    "api:referral": Route(lambda p: {"referral_id": p.referral_out().pk}, api=True, action=Action.CASE_WORK),
    "api:group": Route(lambda p: {"group_id": p.group().pk}, api=True, action=Action.GROUP_WORK),
    "api:group_sessions": Route(lambda p: {"group_id": p.group().pk}, api=True, action=Action.GROUP_WORK),
    "api:supervision": Route(lambda p: {"supervision_id": p.supervision_session().pk}, api=True,
                             action=Action.GROUP_WORK),
    "casework:referral": Route(lambda p: {"pk": p.referral_out().pk}),
    "casework:referral_form": Route(lambda p: {"pk": p.referral_out().pk}),
    "casework:referral_outcome": Route(lambda p: {"pk": p.referral_out().pk}, ("POST",),
                                       lambda p: {"outcome": "已办理"}),
    "casework:referral_respond": Route(lambda p: {"pk": p.referral_in().pk}, ("POST",),
                                       lambda p: {"decision": "accept"}),
    "supervision:session": Route(lambda p: {"pk": p.supervision_session().pk}),
    "supervision:session_form": Route(lambda p: {"pk": p.supervision_session().pk}),
    "supervision:supervisor_edit": Route(lambda p: {"pk": p.supervision_session().supervisor_id}, ("GET", "POST"),
                                         lambda p: {"name": "改名专家", "kind": "external", "qualification": "x",
                                                    "division": p.station.division_id, "active": ""}),
    "supervision:blank_form": Route(lambda p: {"form": "session"}, shared=True),
    "activities:activity": Route(lambda p: {"pk": p.activity().pk}),
    "api:activity": Route(lambda p: {"activity_id": p.activity().pk}, api=True, action=Action.ACTIVITY_MANAGE),
    "api:activity_registrations": Route(lambda p: {"activity_id": p.activity().pk}, api=True,
                                        action=Action.ACTIVITY_MANAGE),
    "api:activity_sign_ins": Route(lambda p: {"activity_id": p.activity().pk}, api=True,
                                   action=Action.ACTIVITY_MANAGE),
    "activities:activity_edit": Route(lambda p: {"pk": p.activity().pk}, ("GET", "POST"), lambda p: {
        "station": p.station.pk, "title": "改名", "category": "health", "capacity": "5", "place": "广场",
        "starts_at": p.activity().starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": p.activity().ends_at.strftime("%Y-%m-%dT%H:%M"), "public": "on", "budget": "0"}),
    "activities:activity_qr": Route(lambda p: {"pk": p.activity().pk}),
    "activities:register": Route(lambda p: {"pk": p.activity().pk}, ("POST",),
                                 lambda p: {"name": "新报名", "mobile": people_factories.mobile()}),
    "activities:sign_in": Route(lambda p: {"pk": p.activity().pk}, ("POST",),
                                lambda p: {"registration": p.activity().registrations.first().pk}),
    "activities:registration": Route(lambda p: {"pk": p.activity().pk,
                                                "registration_pk": p.activity().registrations.first().pk},
                                     ("POST",), lambda p: {"action": "cancel"}),
    "activities:close": Route(lambda p: {"pk": p.activity().pk}, ("GET", "POST"),
                              lambda p: {"summary": "顺利", "indirect_reach": "0", "indirect_basis": ""}),
    "activities_public:public": Route(lambda p: {"token": p.activity().token}, public=True),
    "activities_public:station": Route(lambda p: {"key": "x"}, public=True),
    "portal_public:request_new": Route(lambda p: {"key": "x"}, public=True),
    "api:request": Route(lambda p: {"request_id": p.request().pk}, api=True, action=Action.PERSON_VIEW),
    "portal:decide": Route(lambda p: {"pk": p.request().pk}, ("POST",), lambda p: {"decision": "decline",
                                                                                   "reply": "已转交"}),
    "activities:station_qr": Route(lambda p: {"station_pk": p.station.pk}),
    **VOLUNTEER_ROUTES,
    "core:attachment": Route(lambda p: {"pk": p.attachment().pk}, through=Action.ACTIVITY_MANAGE),
    "core:attachment_delete": Route(lambda p: {"pk": p.attachment().pk}, ("POST",), lambda p: {},
                                    through=Action.ACTIVITY_MANAGE),
    "activities:photos": Route(lambda p: {"pk": p.activity().pk}, ("POST",), lambda p: {"photos": photo()}),
    "activities:needs": Route(lambda p: {"pk": p.activity().pk}, ("POST",), lambda p: {"need": p.need.pk,
                                                                                      "action": "link"}),
    "casework:blank_form": Route(lambda p: {"form": "intake"}, shared=True),  # a blank form is nobody's
    "casework:policy": Route(lambda p: {"station_pk": p.station.pk}, ("GET", "POST"),
                             lambda p: {"approve_plan": "on"}),
    "people:import_job": Route(lambda p: {"pk": p.import_job(p.asking).pk}),
    "people:import_errors": Route(lambda p: {"pk": p.import_job(p.asking).pk}),
    "people:import_apply": Route(lambda p: {"pk": p.import_job(p.asking).pk}, ("POST",), lambda p: {"mode": "all"}),
    "deliberation:topic": Route(lambda p: {"pk": p.deliberation().pk}),
    "deliberation:topic_edit": Route(lambda p: {"pk": p.deliberation().pk}, ("GET", "POST"), lambda p: {
        "community": p.community.code, "title": "改过的议题", "category": "other", "description": "改过的说明"}),
    "deliberation:decide": Route(lambda p: {"pk": p.proposal().pk}, ("POST",),
                                 lambda p: {"decision": "reject", "reply": "不属于议事范围"}),
    "deliberation:meeting": Route(lambda p: {"pk": p.deliberation("meeting").pk}),
    "deliberation:resolution_new": Route(lambda p: {"pk": p.deliberation("meeting").pk}, ("GET", "POST"),
                                         lambda p: {"deliberation": p.deliberation().pk, "decision": "再议一条",
                                                    "method": "consensus"}),
    "deliberation:item_new": Route(lambda p: {"pk": p.deliberation("resolution").pk}, ("GET", "POST"),
                                   lambda p: {"what": "加装应急灯", "owner": "物业公司",
                                              "deadline": people_factories.today().isoformat()}),
    "deliberation:item_done": Route(lambda p: {"pk": p.deliberation("item").pk}, ("GET", "POST"),
                                    lambda p: {"done_on": people_factories.today().isoformat(),
                                               "evidence": "已更换声控灯"}),
    "api:deliberation": Route(lambda p: {"deliberation_id": p.deliberation().pk}, api=True,
                              action=Action.DELIBERATION_MANAGE),
    "deliberation_public:board": Route(lambda p: {"key": "x"}, public=True),
    "deliberation_public:propose": Route(lambda p: {"key": "x"}, public=True),
}

OBJECT_ROUTES = object_routes()


def test_matrix_knows_every_route():
    unknown = set(OBJECT_ROUTES) - set(MATRIX)
    assert not unknown, f"add these routes to MATRIX in {__file__}: {sorted(unknown)}"
    assert not set(MATRIX) - set(OBJECT_ROUTES), "MATRIX lists routes that no longer exist"


def test_matrix_fills_every_parameter(places):
    for name in OBJECT_ROUTES.keys() & MATRIX.keys():
        assert set(MATRIX[name].kwargs(places["xiyuan"])) == set(OBJECT_ROUTES[name][0]), name


def test_the_object_routes_include_the_ones_the_rule_is_about():
    assert {"core:station", "core:division", "accounts:user", "api:station", "api:division"} <= set(OBJECT_ROUTES)


# --- the places and who asks ----------------------------------------------------------------------


@pytest.fixture
def places(net):
    def member(key, at):
        return user(f"member_{key}", Role.WORKER, station=at, full_name=f"{key}社工")

    luyang_community = division("340103001001", "亳州路社区居委会", Level.VILLAGE, "urban")
    return {
        "xiyuan": Place("xiyuan", net.station_a, net.station_a.rooms.get(), net.community_a1,
                        member("xiyuan", net.station_a)),
        "sanliyan": Place("sanliyan", net.station_b,
                          Room.objects.create(station=net.station_b, name="议事室", kind=Room.Kind.MEETING),
                          net.community_b1, member("sanliyan", net.station_b)),
        "luyang": Place("luyang", net.other_station,
                        Room.objects.create(station=net.other_station, name="活动室", kind=Room.Kind.ACTIVITY),
                        luyang_community, member("luyang", net.other_station)),
    }


def _extra_user(net, key):
    return {
        "head_b": lambda: user("head_b", Role.HEAD, station=net.station_b),
        "street_b": lambda: user("street_b", Role.STREET, division=net.street_b),
        "civil_other": lambda: user("civil_other", Role.CIVIL, division=net.other_county),
    }[key]()


# actor → (whose objects they ask for, their own place or None)
ACTORS = {
    "worker_b": ("xiyuan", "sanliyan"),  # 社工 of 三里庵
    "worker_other": ("xiyuan", "luyang"),  # 社工 of 庐阳区
    "head_b": ("xiyuan", "sanliyan"),  # 站长 of 三里庵
    "street_b": ("xiyuan", "sanliyan"),  # 街道管理员 of 三里庵
    "civil_other": ("xiyuan", "luyang"),  # 民政 of 庐阳区
    "street": ("sanliyan", "xiyuan"),  # 街道管理员 of 西园 asking for 三里庵
    "head": ("sanliyan", "xiyuan"),  # 站长 of 西园 asking for 三里庵
    "worker": ("luyang", "xiyuan"),
    "org_lead": ("sanliyan", None),  # a community's 社会组织负责人
}


def actor_of(key, net, people):
    if key not in people:
        people[key] = _extra_user(net, key)
    return people[key]


def request(client, route: Route, name: str, method: str, place: Place, token: str | None):
    url = reverse(name, kwargs=route.kwargs(place))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    # The API takes JSON bodies (a form body would be refused with 422 before any lookup).
    body = {"content_type": "application/json"} if route.api else {}
    return getattr(client, method.lower())(url, route.data(place), headers=headers, **body)


def expected_refusal(route: Route, name: str, actor) -> int:
    """404, unless the guard refuses first because the role lacks the action everywhere."""
    if route.api:
        return 403 if route.action and not may(actor, route.action) else 404
    rule = rule_of(OBJECT_ROUTES[name][1])
    return 403 if rule not in (PUBLIC, SIGNED_IN) and not may(actor, rule) else 404


CASES = [(name, actor) for name in sorted(MATRIX) if not (MATRIX[name].shared or MATRIX[name].public)
         for actor in ACTORS]
SHARED_CASES = [(name, actor) for name in sorted(MATRIX) if MATRIX[name].shared for actor in ACTORS]


@pytest.mark.parametrize(("name", "actor_key"), CASES, ids=[f"{n}-{a}" for n, a in CASES])
def test_outside_scope_is_404_inside_is_not(net, people, places, login, client, name, actor_key):
    route = MATRIX[name]
    actor = actor_of(actor_key, net, people)
    theirs_key, own_key = ACTORS[actor_key]
    theirs = places[theirs_key]
    if route.api:
        token, _tok = api_token_issue(user=actor)
    else:
        token = None
        login(actor)
    refusal = expected_refusal(route, name, actor)

    route.kwargs(theirs)  # objects made on first use (cases at a stage) exist before the snapshot
    before = theirs.snapshot()
    for method in route.methods:
        response = request(client, route, name, method, theirs, token)
        assert response.status_code == refusal, (method, response.status_code)
        body = response.content.decode()
        for secret in (theirs.station.name, theirs.member.username, theirs.room.name, theirs.resident.name,
                       theirs.id_number):
            assert secret not in body, (method, secret)
    assert theirs.snapshot() == before, "a refused request changed the data"

    if own_key is None:
        return
    own = places[own_key]
    own.asking = actor
    lacks_second_action = route.own_needs is not None and not may(actor, route.own_needs)
    cannot_open_record = route.through is not None and not may(actor, route.through)
    for method in route.methods:
        response = request(client, route, name, method, own, token)
        if refusal == 403 or lacks_second_action:  # refused on its own objects too
            assert response.status_code == 403, method
        elif cannot_open_record:
            assert response.status_code == 404, method
        elif method == "GET":
            assert response.status_code == 200, method
        else:
            assert response.status_code in (200, 201, 302), (method, response.status_code)


@pytest.mark.parametrize(("name", "actor_key"), SHARED_CASES, ids=[f"{n}-{a}" for n, a in SHARED_CASES])
def test_shared_objects_open_without_the_other_places_data(net, people, places, login, name, actor_key):
    route = MATRIX[name]
    actor = actor_of(actor_key, net, people)
    theirs = places[ACTORS[actor_key][0]]
    client = login(actor)
    refusal = expected_refusal(route, name, actor)
    response = client.get(reverse(name, kwargs=route.kwargs(theirs)))
    # Agencies are shared, but only someone covering every station an agency runs may edit it.
    editable = name != "core:agency_edit"
    assert response.status_code == (403 if refusal == 403 or not editable else 200)
    body = response.content.decode(errors="replace")  # a PDF, for the blank record forms
    assert theirs.station.name not in body
    assert theirs.member.username not in body
    own_key = ACTORS[actor_key][1]
    if name == "core:agency" and own_key and refusal != 403:  # their own agency lists their station
        own = places[own_key]
        assert own.station.name in client.get(reverse(name, kwargs=route.kwargs(own))).content.decode()


def test_the_matrix_has_both_outcomes(net, people):
    """Guards the test above: some cases are refused by the guard, most by the scope."""
    outcomes = {expected_refusal(MATRIX[n], n, actor_of(a, net, people)) for n, a in CASES}
    assert outcomes == {403, 404}


# --- objects mixed across places ------------------------------------------------------------------


def test_own_station_with_someone_elses_room_is_404(net, people, places, login):
    client = login(actor_of("head_b", net, people))
    room = places["xiyuan"].room
    url = reverse("core:room_edit", kwargs={"pk": net.station_b.pk, "room_pk": room.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "被改", "kind": "other"}).status_code == 404
    assert Room.objects.get(pk=room.pk).name == "个案工作室"


def test_own_member_with_someone_elses_assignment_is_404(net, people, places, login):
    client = login(people["street"])
    other = places["sanliyan"].assignment
    url = reverse("accounts:role_revoke", kwargs={"pk": places["xiyuan"].member.pk, "assignment_pk": other.pk})
    assert client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


def test_member_working_in_two_places_is_visible_but_not_manageable(net, people, places, login):
    """Viewing needs one role in scope; managing needs all of them."""
    both = places["sanliyan"].member
    RoleAssignment.objects.create(user=both, role=Role.VOLUNTEER, division=net.community_a1)
    client = login(people["street"])
    assert client.get(reverse("accounts:user", kwargs={"pk": both.pk})).status_code == 200
    password = User.objects.get(pk=both.pk).password
    assert client.post(reverse("accounts:user_reset_password", kwargs={"pk": both.pk})).status_code == 404
    assert client.post(reverse("accounts:user_edit", kwargs={"pk": both.pk}),
                       {"full_name": "x", "is_active": ""}).status_code == 404
    both.refresh_from_db()
    assert (both.password, both.is_active) == (password, True)


def test_an_import_is_its_uploaders_and_their_managers(net, people, places, login):
    """A colleague at the same station does not see someone else's upload; a manager of the
    station does, but only the uploader confirms it; a manager elsewhere sees nothing."""
    job = places["xiyuan"].import_job()  # uploaded by member_xiyuan
    pages = [f"/people/import/{job.pk}/", f"/people/import/{job.pk}/errors/"]
    apply = f"/people/import/{job.pk}/apply/"
    for who, status in (("worker", 404), ("supervisor", 404), ("head", 200), ("street", 200), ("worker_b", 404)):
        client = login(actor_of(who, net, people))
        for url in pages:
            assert client.get(url).status_code == status, (who, url)
        assert client.post(apply, {"mode": "all"}).status_code == 404, who
    assert login(actor_of("head_b", net, people)).get(pages[0]).status_code == 404
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.READY
    assert login(places["xiyuan"].member).post(apply, {"mode": "all"}).status_code == 302
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CONFIRMED


@pytest.mark.parametrize(("code", "status"), [
    ("340104001", 200),  # own street by its short code
    ("340104001001", 200),
    ("340104005", 404),  # 西园, short code
    ("340104005000", 404),
    ("340104005002", 404),
    ("340104", 404),  # the district above: not theirs either
    ("3401", 404),
    ("340103001", 404),
    ("999999999999", 404),
    ("not-a-code", 404),
])
def test_division_pages_by_any_spelling_of_the_code(net, people, login, code, status):
    assert login(people["worker_b"]).get(f"/divisions/{code}/").status_code == status


# --- lists leave out what is not theirs ---------------------------------------------------------


def test_lists_pages_exclude_other_places(net, people, places, login):
    client = login(actor_of("head_b", net, people))
    stations = client.get("/stations/").content.decode()
    assert "三里庵街道社会工作服务站" in stations
    assert "西园" not in stations and "亳州路" not in stations
    assert "西园" not in client.get("/stations/?under=340104005").content.decode()
    users = client.get("/accounts/users/").content.decode()
    assert "member_sanliyan" in users
    assert "member_xiyuan" not in users and "member_luyang" not in users and "t_shegong_c" not in users
    audit = client.get("/audit/").content.decode()
    assert "西园" not in audit


def test_division_index_starts_at_the_users_place(net, people, login):
    response = login(people["worker_b"]).get("/divisions/")
    assert response.status_code == 302 and response["Location"] == "/divisions/340104001000/"


def test_division_page_links_only_where_the_user_may_go(net, people, login):
    html = login(people["worker_b"]).get("/divisions/340104001/").content.decode()
    assert 'href="/divisions/340104000000/"' not in html  # 蜀山区 shown in the trail, not linked
    assert 'href="/divisions/340104005000/"' not in html


# --- the API, the same way ------------------------------------------------------------------------


@pytest.fixture
def api_worker_b(client, people):
    key, _tok = api_token_issue(user=people["worker_b"])
    return lambda url, **params: client.get(url, params, headers={"Authorization": f"Bearer {key}"})


def test_api_station_of_another_street_is_404(net, api_worker_b):
    assert api_worker_b(f"/api/v1/stations/{net.station_a.pk}").status_code == 404
    assert api_worker_b(f"/api/v1/stations/{net.room_a1.pk}").status_code == 404
    assert api_worker_b(f"/api/v1/stations/{net.other_station.pk}").status_code == 404
    assert api_worker_b(f"/api/v1/stations/{net.station_b.pk}").status_code == 200


def test_api_division_of_another_street_is_404(net, api_worker_b):
    for code in ("340104005000", "340104005001", "340104005", "340104000000", "340103001000"):
        assert api_worker_b(f"/api/v1/divisions/{code}").status_code == 404, code
    assert api_worker_b("/api/v1/divisions", parent="340104005000").status_code == 404
    assert api_worker_b("/api/v1/divisions/340104001001").status_code == 200


def test_api_lists_exclude_other_places(net, api_worker_b):
    stations = api_worker_b("/api/v1/stations").json()
    assert [s["name"] for s in stations["items"]] == ["三里庵街道社会工作服务站"]
    assert stations["count"] == 1
    assert api_worker_b("/api/v1/stations", under="340104005").json() == {"items": [], "count": 0}
    assert api_worker_b("/api/v1/stations", q="西园").json()["count"] == 0
    divisions = api_worker_b("/api/v1/divisions", limit=100).json()
    assert all(d["code"].startswith("340104001") for d in divisions["items"])
    assert divisions["count"] == 2


def test_a_station_added_elsewhere_stays_invisible(net, api_worker_b):
    new = station(net.community_a2, name="滨湖社工室")
    assert api_worker_b(f"/api/v1/stations/{new.pk}").status_code == 404
    assert "滨湖" not in api_worker_b("/api/v1/stations").content.decode()


# --- personal files: roles without person.view -----------------------------------------------------

# Under people: but no one's file: the platform's 人员类别 list, which the 系统管理员 keeps.
NOT_FILES = {"people:tag_edit"}
PEOPLE_ROUTES = [n for n in sorted(MATRIX) if n not in NOT_FILES
                 and (n.startswith("people:") or MATRIX[n].action == Action.PERSON_VIEW)]
PEOPLE_CASES = [(name, who) for name in PEOPLE_ROUTES for who in ("civil", "sysadmin", "secadmin", "auditor")]


@pytest.mark.parametrize(("name", "who"), PEOPLE_CASES, ids=[f"{n}-{w}" for n, w in PEOPLE_CASES])
def test_files_are_403_to_roles_without_person_view_even_inside_their_district(
        net, people, places, login, client, name, who):
    """蜀山区's 民政 covers 西园 on the map and the platform admins cover everything, but
    none of them holds person.view: refused by the guard, with nothing of the file shown."""
    route = MATRIX[name]
    xiyuan = places["xiyuan"]
    if route.api:
        token, _tok = api_token_issue(user=people[who])
    else:
        token = None
        login(people[who])
    route.kwargs(xiyuan)  # objects made on first use exist before the snapshot
    before = xiyuan.snapshot()
    for method in route.methods:
        response = request(client, route, name, method, xiyuan, token)
        assert response.status_code == 403, (method, response.status_code)
        body = response.content.decode()
        assert xiyuan.resident.name not in body and xiyuan.id_number not in body
    assert xiyuan.snapshot() == before
