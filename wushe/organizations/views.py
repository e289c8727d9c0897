"""Pages of community social organizations: the register (search, filters, counts by
category, export), an organization's file (filing, changes, annual reports, incubation,
members, the activities and projects it took part in) and the forms that change it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, may
from wushe.activities.selectors import activity_get
from wushe.core import audit
from wushe.core.access import requires
from wushe.core.attachments import attachments_of
from wushe.core.divisions import within
from wushe.core.exports import audited_xlsx
from wushe.core.models import AuditEntry
from wushe.core.views import form_errors_from, form_step
from wushe.organizations import selectors, services
from wushe.organizations.forms import (
    AnnualReportForm,
    AssessmentForm,
    DissolveForm,
    IncubationForm,
    LinkActivityForm,
    LinkProjectForm,
    MemberForm,
    MentoringForm,
    OrganizationForm,
    StageForm,
    TrainingForm,
)
from wushe.organizations.models import Category, Organization, Stage


def _error(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _read_only(request, organization: Organization):
    """A dissolved organization's forms lead back to its page, which says why."""
    messages.error(request, _("该组织已注销，记录只读。"))
    return redirect(organization)


# --- the register ----------------------------------------------------------------------------

@requires(Action.ORG_MANAGE)
def organization_list(request):
    everyone = selectors.organization_list(user=request.user)
    qs = everyone
    q = request.GET.get("q", "").strip().replace("\x00", "")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(filing_number__icontains=q) | Q(credit_code=q.upper()))
    category = request.GET.get("category", "")
    if category in Category.values:
        qs = qs.filter(category=category)
    kind = request.GET.get("kind", "")
    if kind in Organization.Kind.values:
        qs = qs.filter(kind=kind)
    stage = request.GET.get("stage", "")
    if stage == "none":
        qs = qs.filter(incubation_stage__isnull=True)
    elif stage in Stage.values:
        qs = qs.filter(incubation_stage=stage)
    status = request.GET.get("status", "active")
    if status in Organization.Status.values:
        qs = qs.filter(status=status)
    community = request.GET.get("community", "")
    communities = selectors.divisions_for(user=request.user).filter(
        code__in=everyone.order_by().values("division_id"))
    if community and community.isdigit() and communities.filter(code=community).exists():
        division = communities.get(code=community)
        qs = qs.filter(within("division_id", division.prefix))
    qs = qs.order_by("-filed_on", "-id")
    if request.GET.get("export") == "xlsx":
        return audited_xlsx(
            request, filename=f"社区社会组织-{timezone.localdate():%Y%m%d}.xlsx", title=_("社区社会组织"),
            headers=[_("组织名称"), _("管理方式"), _("登记类型"), _("组织类别"), _("备案社区/街道"), _("备案编号"),
                     _("统一社会信用代码"), _("备案（登记）日期"), _("负责人"), _("负责人身份证号"), _("负责人手机号"),
                     _("成员人数"), _("活动场所"), _("孵化阶段"), _("参与服务活动（场）"), _("状态"), _("注销日期")],
            rows=([o.name, o.get_kind_display(), o.get_legal_form_display() if o.legal_form else "",
                   o.get_category_display(), o.division.name, o.filing_number, o.credit_code, o.filed_on,
                   o.responsible_name, o.responsible_id_masked, o.responsible_mobile_masked, o.headcount, o.place,
                   Stage(o.incubation_stage).label if o.incubation_stage else "", o.activities_joined or 0,
                   o.get_status_display(), o.dissolved_on] for o in qs.iterator()),
            count=qs.count(), object_type="organizations.organization",
            query=request.GET.urlencode().replace("export=xlsx", "").strip("&"))
    counts = selectors.category_counts(qs)
    return render(request, "organizations/organization_list.html", {
        "page": Paginator(qs, 25).get_page(request.GET.get("page")), "q": q, "category": category, "kind": kind,
        "stage": stage, "status": status, "community": community, "communities": communities,
        "categories": Category.choices, "kinds": Organization.Kind.choices, "stages": Stage.choices,
        "statuses": Organization.Status.choices, "counts": counts, "overall": counts[-1],
        "totals": selectors.service_totals(qs)})


def _organization_form(request, organization=None):
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization,
                            divisions=selectors.divisions_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organization_save(actor=request.user, data=form.service_data(), request=request,
                                               organization=organization,
                                               charter_files=form.cleaned_data.get("charter_files") or ())
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("组织信息已保存。"))
            return redirect(saved)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("编辑组织信息") if organization else _("社区社会组织备案"),
        "subtitle": organization.name if organization else "",
        "cancel_url": organization.get_absolute_url() if organization else reverse("organizations:organizations")})


@requires(Action.ORG_MANAGE)
def organization_new(request):
    return _organization_form(request)


@requires(Action.ORG_MANAGE)
def organization_edit(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    if organization.dissolved:
        return _read_only(request, organization)
    # The form's instance is changed by validation; a fresh copy stays what was saved.
    return _organization_form(request, Organization.objects.get(pk=organization.pk))


@requires(Action.ORG_MANAGE)
def organization_detail(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    audit.record(AuditEntry.Action.VIEWED, request=request, obj=organization)
    incubations = list(organization.incubations.select_related("station").prefetch_related(
        "stages__by", "mentoring", "trainings"))
    for incubation in incubations:
        incubation.trend = selectors.assessment_trend(incubation)
        incubation.trend_id = f"trend-{incubation.pk}"
        incubation.trend_data = selectors.trend_chart(incubation.trend)
    user = request.user
    activity_links = list(organization.activity_links.select_related("activity__station").order_by(
        "-activity__starts_at"))
    for link in activity_links:
        link.can_open = can(user, Action.ACTIVITY_MANAGE, link.activity)
    project_links = list(organization.project_links.select_related("project__station"))
    for link in project_links:
        link.can_open = can(user, Action.VOLUNTEER_MANAGE, link.project)
    writable = not organization.dissolved
    return render(request, "organizations/organization_detail.html", {
        "organization": organization, "writable": writable,
        "changes": organization.changes.select_related("by")[:50],
        "reports": organization.annual_reports.all(), "incubations": incubations,
        "open_incubation": next((i for i in incubations if i.is_open), None),
        "graduated": any(i.stage == Stage.GRADUATED for i in incubations),
        "members": organization.members.all(), "attachments": attachments_of(organization),
        "activity_links": activity_links, "project_links": project_links,
        "totals": selectors.organization_totals(organization),
        "activities": selectors.linkable_activities(user=user, organization=organization) if writable else [],
        "projects": selectors.linkable_projects(user=user, organization=organization) if writable else [],
        "may_link_activities": may(user, Action.ACTIVITY_MANAGE), "may_link_projects": may(
            user, Action.VOLUNTEER_MANAGE),
        "mentoring_needed": services.MENTORING_TO_GRADUATE})


@requires(Action.ORG_MANAGE)
def organization_dissolve(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    if organization.dissolved:
        return _read_only(request, organization)
    form = DissolveForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_dissolve(actor=request.user, organization=organization, request=request,
                                           **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("已注销，组织记录保留为只读。"))
            return redirect(organization)
    return render(request, "organizations/dissolve.html", {
        "form": form, "organization": organization,
        "open_incubation": organization.incubations.filter(stage__in=[Stage.INTENT, Stage.INCUBATING,
                                                                      Stage.CULTIVATING]).first()})


# --- annual reports and members ----------------------------------------------------------------

def _report_form(request, organization, report=None):
    if organization.dissolved:
        return _read_only(request, organization)
    today = timezone.localdate()
    form = AnnualReportForm(request.POST or None, instance=report, initial=None if report else {
        "year": today.year - 1, "submitted_on": today, "members": organization.headcount})
    return form_step(request, obj=organization, form=form,
                     save=lambda f: services.annual_report_save(actor=request.user, organization=organization,
                                                                report=report, data=f.cleaned_data, request=request),
                     done=_("年报已保存。"), title=_("年报"), subtitle=organization.name)


@requires(Action.ORG_MANAGE)
def annual_report_new(request, pk):
    return _report_form(request, selectors.organization_get(user=request.user, pk=pk))


@requires(Action.ORG_MANAGE)
def annual_report_edit(request, pk, report_pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    report = organization.annual_reports.filter(pk=report_pk).first()
    if report is None:
        raise Http404
    return _report_form(request, organization, report)


def _member_form(request, organization, member=None):
    if organization.dissolved:
        return _read_only(request, organization)
    form = MemberForm(request.POST or None, instance=member,
                      initial=None if member else {"joined_on": timezone.localdate()})
    return form_step(request, obj=organization, form=form,
                     save=lambda f: services.member_save(actor=request.user, organization=organization, member=member,
                                                         data=f.cleaned_data, request=request),
                     done=_("会员名单已更新。"), title=_("会员"), subtitle=organization.name)


@requires(Action.ORG_MANAGE)
def member_new(request, pk):
    return _member_form(request, selectors.organization_get(user=request.user, pk=pk))


@requires(Action.ORG_MANAGE)
def member_edit(request, pk, member_pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    member = organization.members.filter(pk=member_pk).first()
    if member is None:
        raise Http404
    return _member_form(request, organization, member)


# --- incubation ------------------------------------------------------------------------------

@requires(Action.ORG_MANAGE)
def incubation_new(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    if organization.dissolved:
        return _read_only(request, organization)
    form = IncubationForm(request.POST or None, stations=selectors.stations_for(user=request.user))
    return form_step(request, obj=organization, form=form,
                     save=lambda f: services.incubation_start(actor=request.user, organization=organization,
                                                              request=request, **f.cleaned_data),
                     done=_("已登记孵化意向。"), title=_("开始孵化"), subtitle=organization.name)


def _incubation(request, pk):
    incubation = selectors.incubation_get(user=request.user, pk=pk)
    if incubation.organization.dissolved:
        return incubation, _read_only(request, incubation.organization)
    return incubation, None


@requires(Action.ORG_MANAGE)
def incubation_stage(request, pk):
    incubation, refused = _incubation(request, pk)
    if refused:
        return refused
    if not incubation.is_open:
        messages.error(request, _("该孵化已%(s)s，不能再变更阶段。") % {"s": incubation.get_stage_display()})
        return redirect(incubation)
    return form_step(request, obj=incubation, form=StageForm(request.POST or None, incubation=incubation,
                                                                  mentoring_needed=services.MENTORING_TO_GRADUATE),
                     save=lambda f: services.incubation_move(actor=request.user, incubation=incubation,
                                                             request=request, **f.cleaned_data),
                     done=_("孵化阶段已更新。"), title=_("变更孵化阶段"),
                     subtitle=_("%(o)s · 当前：%(s)s（%(d)s起）") % {
                         "o": incubation.organization.name, "s": incubation.get_stage_display(),
                         "d": incubation.stage_on.isoformat()})


def _incubation_record(request, pk, form_class, add, done, title):
    incubation, refused = _incubation(request, pk)
    if refused:
        return refused
    return form_step(request, obj=incubation, form=form_class(request.POST or None),
                     save=lambda f: add(actor=request.user, incubation=incubation, data=f.cleaned_data,
                                        request=request),
                     done=done, title=title, subtitle=_("%(o)s · %(s)s") % {
                         "o": incubation.organization.name, "s": incubation.get_stage_display()})


@requires(Action.ORG_MANAGE)
def mentoring_new(request, pk):
    return _incubation_record(request, pk, MentoringForm, services.mentoring_add, _("辅导记录已保存。"), _("辅导记录"))


@requires(Action.ORG_MANAGE)
def assessment_new(request, pk):
    return _incubation_record(request, pk, AssessmentForm, services.assessment_add, _("能力评估已保存。"),
                              _("能力评估"))


@requires(Action.ORG_MANAGE)
def training_new(request, pk):
    return _incubation_record(request, pk, TrainingForm, services.training_add, _("培训记录已保存。"), _("参加培训"))


# --- links to activities and projects --------------------------------------------------------

def _needs(request, action) -> None:
    """Linking a record needs the right to manage it too: without it anywhere, refused."""
    if not may(request.user, action):
        raise PermissionDenied


@requires(Action.ORG_MANAGE)
@require_POST
def activity_link(request, pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    _needs(request, Action.ACTIVITY_MANAGE)
    form = LinkActivityForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择要关联的社区活动。"))
        activity = activity_get(user=request.user, pk=form.cleaned_data["activity"])
        services.activity_link(actor=request.user, organization=organization, activity=activity, request=request)
        messages.success(request, _("已关联活动“%(t)s”。") % {"t": activity.title})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(organization.get_absolute_url() + "#links")


@requires(Action.ORG_MANAGE)
@require_POST
def activity_unlink(request, pk, link_pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    _needs(request, Action.ACTIVITY_MANAGE)
    link = organization.activity_links.select_related("activity__station", "organization").filter(pk=link_pk).first()
    if link is None:
        raise Http404
    try:
        services.activity_unlink(actor=request.user, link=link, request=request)
        messages.success(request, _("已取消关联。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(organization.get_absolute_url() + "#links")


@requires(Action.ORG_MANAGE)
@require_POST
def project_link(request, pk):
    from wushe.volunteers.selectors import project_get

    organization = selectors.organization_get(user=request.user, pk=pk)
    _needs(request, Action.VOLUNTEER_MANAGE)
    form = LinkProjectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择要关联的志愿服务项目。"))
        project = project_get(user=request.user, pk=form.cleaned_data["project"])
        services.project_link(actor=request.user, organization=organization, project=project, request=request)
        messages.success(request, _("已关联项目“%(t)s”。") % {"t": project.title})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(organization.get_absolute_url() + "#links")


@requires(Action.ORG_MANAGE)
@require_POST
def project_unlink(request, pk, link_pk):
    organization = selectors.organization_get(user=request.user, pk=pk)
    _needs(request, Action.VOLUNTEER_MANAGE)
    link = organization.project_links.select_related("project__station", "organization").filter(pk=link_pk).first()
    if link is None:
        raise Http404
    try:
        services.project_unlink(actor=request.user, link=link, request=request)
        messages.success(request, _("已取消关联。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(organization.get_absolute_url() + "#links")
