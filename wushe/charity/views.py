"""Pages of charity resources (慈善资源): community funds with their committees and ledgers,
donors, donations, charity projects, donation points, resource links, and each fund's
public disclosure page (公示)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.accounts.scope import assignments_of, can
from wushe.charity import selectors, services
from wushe.charity.forms import (
    BeneficiaryForm,
    CommitteeForm,
    DecideForm,
    DonationForm,
    DonorForm,
    ExpenseForm,
    FundForm,
    ItemFormSet,
    LinkForm,
    PointForm,
    ProjectForm,
    ReceiptForm,
)
from wushe.charity.models import (
    CharityProject,
    CommitteeMember,
    Donation,
    DonationPoint,
    Donor,
    Fund,
    FundEntry,
    ResourceLink,
)
from wushe.core import audit
from wushe.core.access import public, requires
from wushe.core.attachments import attachments_by_record
from wushe.core.exports import audited_xlsx
from wushe.core.models import AuditEntry
from wushe.core.pii import lookup_hash, normalize_mobile
from wushe.core.views import form_errors_from, form_step, parse_pk
from wushe.people import selectors as people_selectors

PER_PAGE = 25


def _error(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _q(request) -> str:
    return request.GET.get("q", "").strip().replace("\x00", "")[:100]


def _day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _money(value) -> float:
    return float(value or 0)


def _start_at_home(request, form):
    """A new record starts at the user's own station, when they have one among the choices."""
    field = form.fields.get("station")
    if field is None or form.is_bound:
        return form
    own = [a.station_id for a in assignments_of(request.user) if a.station_id]
    home = field.queryset.filter(pk__in=own).first()
    if home is not None:
        field.initial = home.pk
    return form


def _form_page(request, form, title, cancel_url, subtitle=""):
    return render(request, "core/form_page.html", {"form": _start_at_home(request, form), "title": title,
                                                   "subtitle": subtitle, "cancel_url": cancel_url})


# --- funds ------------------------------------------------------------------------------------

@requires(Action.CHARITY_MANAGE)
def fund_list(request):
    everything = selectors.fund_list(user=request.user)
    qs = everything
    q = _q(request)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(host_name__contains=q))
    status = request.GET.get("status", "")
    if status in Fund.Status.values:
        qs = qs.filter(status=status)
    links = selectors.link_list(user=request.user)
    return render(request, "charity/fund_list.html", {
        "page": Paginator(qs.order_by("station__division_id", "name", "id"), PER_PAGE).get_page(
            request.GET.get("page")),
        "q": q, "status": status, "statuses": Fund.Status.choices,
        "totals": selectors.funds_totals(everything),
        "donations": selectors.donation_totals(selectors.donation_list(user=request.user)),
        "donors": selectors.donor_list(user=request.user).count(),
        "projects": selectors.project_list(user=request.user).count(),
        "providers": selectors.providers_linked(links)})


def _fund_form(request, fund=None):
    form = FundForm(request.POST or None, instance=fund, stations=selectors.stations_for(user=request.user),
                    areas=selectors.areas_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
        try:
            saved = services.fund_save(actor=request.user, station=fund.station if fund else
                                       form.cleaned_data["station"], data=data, fund=fund, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("基金已保存。组建管理委员会后即可成立。") if fund is None else _("基金已保存。"))
            return redirect(saved)
    return _form_page(request, form, _("编辑社区基金") if fund else _("设立社区基金"),
                      fund.get_absolute_url() if fund else reverse("charity:funds"))


@requires(Action.CHARITY_MANAGE)
def fund_new(request):
    return _fund_form(request)


@requires(Action.CHARITY_MANAGE)
def fund_edit(request, pk):
    fund = selectors.fund_get(user=request.user, pk=pk)
    return _fund_form(request, Fund.objects.select_related("station__division").get(pk=fund.pk))


@requires(Action.CHARITY_MANAGE)
def fund_detail(request, pk):
    fund = selectors.fund_get(user=request.user, pk=pk)
    entries = selectors.ledger(fund)
    if request.GET.get("export") == "xlsx":
        return _ledger_xlsx(request, fund, entries)
    totals = selectors.fund_totals(fund)
    committee = list(fund.committee.all())
    pending = list(selectors.pending_expenses(fund))
    may_approve = can(request.user, Action.FUND_APPROVE, fund)
    files = attachments_by_record(FundEntry, [e.pk for e in pending])
    for e in pending:
        e.files = files.get(e.pk, [])
        e.mine = e.requested_by_id == request.user.pk
        e.need_text = selectors.need_label(request.user, e.need)
    # The ledger with a running balance of what counts (income, approved spending).
    running, rows = 0, []
    for e in entries:
        if e.kind == FundEntry.Kind.INCOME:
            running += e.amount
        elif e.status == FundEntry.Status.APPROVED:
            running -= e.amount
        rows.append((e, running))
    rows.reverse()
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    public_url = (request.build_absolute_uri(reverse("charity_public:fund", args=[selectors.fund_page_key(fund)]))
                  if fund.status != Fund.Status.DRAFT else "")
    return render(request, "charity/fund_detail.html", {
        "fund": fund, "totals": totals, "committee": committee,
        "problems": selectors.committee_problems(committee), "pending": pending, "may_approve": may_approve,
        "page": page, "public_url": public_url, "member_form": CommitteeForm(),
        "decide_form": DecideForm()})


def _ledger_xlsx(request, fund, entries):
    rows = []
    running = 0
    for e in entries.iterator():
        if e.kind == FundEntry.Kind.INCOME:
            running += e.amount
        elif e.status == FundEntry.Status.APPROVED:
            running -= e.amount
        rows.append([e.on, e.get_kind_display(), _money(e.amount), e.purpose,
                     e.donation.donor.name if e.donation_id else e.payee, e.get_status_display(),
                     e.project.title if e.project_id else "", e.requested_by.full_name or e.requested_by.username,
                     (e.decided_by.full_name or e.decided_by.username) if e.decided_by_id else "",
                     e.reject_reason, _money(running)])
    return audited_xlsx(
        request, filename=f"{fund.name}-收支明细-{timezone.localdate():%Y%m%d}.xlsx", title=_("基金收支"),
        headers=[_("日期"), _("收支"), _("金额（元）"), _("摘要/用途"), _("捐赠方/收款方"), _("状态"), _("慈善项目"),
                 _("经办人"), _("审批人"), _("驳回理由"), _("余额（元）")],
        rows=rows, count=len(rows), obj=fund)


@requires(Action.CHARITY_MANAGE)
def committee_add(request, pk):
    fund = selectors.fund_get(user=request.user, pk=pk)
    return form_step(request, obj=fund, form=CommitteeForm(request.POST or None),
                     save=lambda f: services.committee_add(actor=request.user, fund=fund, data=f.cleaned_data,
                                                           request=request),
                     done=_("已加入管理委员会。"), title=_("管理委员会成员"), subtitle=fund.name)


@requires(Action.CHARITY_MANAGE)
@require_POST
def committee_remove(request, pk, member_pk):
    fund = selectors.fund_get(user=request.user, pk=pk)
    member = get_object_or_404(CommitteeMember, pk=member_pk, fund=fund)
    try:
        services.committee_remove(actor=request.user, fund=fund, member=member, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已将 %(n)s 移出管理委员会。") % {"n": member.name})
    return redirect(fund)


@requires(Action.CHARITY_MANAGE)
@require_POST
def fund_open(request, pk):
    fund = selectors.fund_get(user=request.user, pk=pk)
    try:
        services.fund_open(actor=request.user, fund=fund, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("基金已成立，可以接收捐赠和申请支出。"))
    return redirect(fund)


@requires(Action.CHARITY_MANAGE)
def expense_new(request, pk):
    fund = selectors.fund_get(user=request.user, pk=pk)
    form = ExpenseForm(request.POST or None, request.FILES or None,
                       projects=selectors.project_choices(user=request.user),
                       needs=selectors.open_needs(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_request(actor=request.user, fund=fund, data=form.service_data(),
                                     photos=form.cleaned_data.get("photos") or [], request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("支出申请已提交，等待站长或街道审批。"))
            return redirect(fund)
    return _form_page(request, form, _("申请基金支出"), fund.get_absolute_url(),
                      subtitle=_("%(f)s · 当前余额 %(b)s 元") % {"f": fund.name, "b": selectors.balance_of(fund)})


@requires(Action.FUND_APPROVE)
@require_POST
def expense_decide(request, pk):
    entry = selectors.entry_get(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回。"))
        return redirect(entry.fund)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.expense_decide(actor=request.user, entry=entry, approve=approve,
                                reason=form.cleaned_data["reason"], request=request)
    except ValidationError as exc:
        _error(request, exc)
    except PermissionDenied as exc:
        raise PermissionDenied(_("您没有审批该基金支出的权限。")) from exc
    else:
        messages.success(request, _("已批准该笔支出。") if approve else _("已驳回该笔支出申请。"))
    return redirect(entry.fund)


# --- donors -----------------------------------------------------------------------------------

@requires(Action.CHARITY_MANAGE)
def donor_list(request):
    qs = selectors.donor_list(user=request.user)
    q = _q(request)
    if q:
        match = Q(name__contains=q) | Q(contact_name__contains=q)
        try:
            match |= Q(mobile_hash=lookup_hash("mobile", normalize_mobile(q)))
        except ValidationError:
            pass
        qs = qs.filter(match)
    kind = request.GET.get("kind", "")
    if kind in Donor.Kind.values:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("name", "id")
    if request.GET.get("export") == "xlsx":
        return audited_xlsx(
            request, filename=f"捐赠方-{timezone.localdate():%Y%m%d}.xlsx", title=_("捐赠方"),
            headers=[_("名称/姓名"), _("类别"), _("联系人"), _("联系电话"), _("同意公开署名"), _("登记站点"),
                     _("捐赠次数"), _("捐赠合计（元）")],
            rows=([d.name, d.get_kind_display(), d.contact_name, d.mobile_masked, _("是") if d.named_publicly else
                   _("否"), d.station.name, d.times, _money(d.given)] for d in qs.iterator()),
            count=qs.count(), object_type="charity.donor", query=f"q={q}&kind={kind}")
    return render(request, "charity/donor_list.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "q": q, "kind": kind,
        "kinds": Donor.Kind.choices})


def _donor_form(request, donor=None):
    form = DonorForm(request.POST or None, instance=donor, stations=selectors.stations_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.donor_save(actor=request.user, station=donor.station if donor else
                                        form.cleaned_data["station"], data=form.service_data(), donor=donor,
                                        request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("捐赠方已保存。"))
            return redirect(saved)
    return _form_page(request, form, _("编辑捐赠方") if donor else _("登记捐赠方"),
                      donor.get_absolute_url() if donor else reverse("charity:donors"))


@requires(Action.CHARITY_MANAGE)
def donor_new(request):
    return _donor_form(request)


@requires(Action.CHARITY_MANAGE)
def donor_edit(request, pk):
    donor = selectors.donor_get(user=request.user, pk=pk)
    return _donor_form(request, Donor.objects.select_related("station").get(pk=donor.pk))


@requires(Action.CHARITY_MANAGE)
def donor_detail(request, pk):
    donor = selectors.donor_get(user=request.user, pk=pk)
    audit.record(AuditEntry.Action.VIEWED, request=request, obj=donor)
    donations = selectors.donation_list(user=request.user).filter(donor=donor).order_by("-received_on", "-id")
    return render(request, "charity/donor_detail.html", {
        "donor": donor, "page": Paginator(donations, PER_PAGE).get_page(request.GET.get("page")),
        "totals": selectors.donation_totals(donations),
        "links": selectors.link_list(user=request.user).filter(donor=donor)[:20]})


# --- donations --------------------------------------------------------------------------------

DESTINATIONS = [("fund", _("社区基金")), ("project", _("慈善项目")), ("need", _("需求"))]


@requires(Action.CHARITY_MANAGE)
def donation_list(request):
    qs = selectors.donation_list(user=request.user)
    q = _q(request)
    if q:
        qs = qs.filter(Q(donor__name__contains=q) | Q(purpose__contains=q) | Q(receipt_number=q))
    kind = request.GET.get("kind", "")
    if kind in Donation.Kind.values:
        qs = qs.filter(kind=kind)
    to = request.GET.get("to", "")
    if to in dict(DESTINATIONS):
        qs = qs.filter(**{f"{to}__isnull": False})
    fund = parse_pk(request.GET.get("fund"))
    if fund:
        qs = qs.filter(fund_id=fund)
    project = parse_pk(request.GET.get("project"))
    if project:
        qs = qs.filter(project_id=project)
    since, until = _day(request.GET.get("since")), _day(request.GET.get("until"))
    if since:
        qs = qs.filter(received_on__gte=since)
    if until:
        qs = qs.filter(received_on__lte=until)
    receipt = request.GET.get("receipt", "")
    if receipt == "missing":
        qs = qs.filter(receipt_number="")
    qs = qs.order_by("-received_on", "-id")
    if request.GET.get("export") == "xlsx":
        return audited_xlsx(
            request, filename=f"捐赠-{timezone.localdate():%Y%m%d}.xlsx", title=_("捐赠"),
            headers=[_("捐赠日期"), _("捐赠方"), _("形式"), _("金额/估值（元）"), _("用途"), _("定向"), _("去向"),
                     _("票据号"), _("票据日期"), _("登记站点")],
            rows=([d.received_on, d.donor.name, d.get_kind_display(), _money(d.amount), d.purpose,
                   _("是") if d.restricted else _("否"), _destination(request.user, d), d.receipt_number,
                   d.receipt_on, d.station.name] for d in qs.iterator()),
            count=qs.count(), object_type="charity.donation", query=request.GET.urlencode()[:200])
    return render(request, "charity/donation_list.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "q": q, "kind": kind,
        "kinds": Donation.Kind.choices, "to": to, "destinations": DESTINATIONS, "fund": fund, "project": project,
        "funds": selectors.fund_list(user=request.user).order_by("name"),
        "projects": selectors.project_list(user=request.user).order_by("-starts_on"),
        "since": since, "until": until, "receipt": receipt, "totals": selectors.donation_totals(qs)})


def _destination(user, donation) -> str:
    if donation.fund_id:
        return str(donation.fund)
    if donation.project_id:
        return str(donation.project)
    return selectors.need_label(user, donation.need)


ITEM_FIELDS = ("item", "quantity", "unit", "valuation")


def _item_rows(formset) -> list[dict]:
    """The filled lines of the goods formset; blank lines are ignored."""
    return [{k: f.cleaned_data.get(k) for k in ITEM_FIELDS} for f in formset.forms
            if any(f.cleaned_data.get(k) not in (None, "") for k in ITEM_FIELDS)]


@requires(Action.CHARITY_MANAGE)
def donation_new(request):
    user = request.user
    rows = min(max(parse_pk(request.GET.get("rows")) or 5, 1), 50)
    initial = {}
    for field in ("donor", "fund", "project"):
        if parse_pk(request.GET.get(field)):
            initial[field] = parse_pk(request.GET.get(field))
    choices = {"stations": selectors.stations_for(user=user), "donors": selectors.donor_choices(user=user),
               "funds": selectors.fund_choices(user=user), "projects": selectors.project_choices(user=user),
               "needs": selectors.open_needs(user=user)}
    if request.method == "POST" and "more" in request.POST:
        # More item lines: the same page again, what was typed kept, nothing checked yet.
        data = request.POST.copy()
        total = min((parse_pk(data.get("items-TOTAL_FORMS")) or 0) + 5, 50)
        data["items-TOTAL_FORMS"] = str(total)
        form = DonationForm(initial=request.POST.dict(), **choices)
        items = ItemFormSet(data, prefix="items")
        return render(request, "charity/donation_form.html", {"form": form, "items": items, "rows": total})
    form = DonationForm(request.POST or None, initial=initial, **choices)
    items = ItemFormSet(request.POST or None, prefix="items", initial=[{}] * rows if not request.POST else None)
    if request.method == "POST":
        form_ok, items_ok = form.is_valid(), items.is_valid()
        if form_ok and items_ok:
            data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
            try:
                saved = services.donation_record(actor=user, station=form.cleaned_data["station"], data=data,
                                                 items=_item_rows(items), request=request)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("已登记捐赠 %(a)s 元。") % {"a": saved.amount})
                return redirect(saved)
    return render(request, "charity/donation_form.html", {"form": _start_at_home(request, form), "items": items,
                                                          "rows": rows})


@requires(Action.CHARITY_MANAGE)
def donation_detail(request, pk):
    donation = selectors.donation_get(user=request.user, pk=pk)
    return render(request, "charity/donation_detail.html", {
        "donation": donation, "items": donation.items.all(),
        "destination": _destination(request.user, donation),
        "entry": FundEntry.objects.filter(donation=donation).first()})


@requires(Action.CHARITY_MANAGE)
def donation_receipt(request, pk):
    donation = selectors.donation_get(user=request.user, pk=pk)
    form = ReceiptForm(request.POST or None, initial={"receipt_number": donation.receipt_number,
                                                      "receipt_on": donation.receipt_on or timezone.localdate()})
    return form_step(request, obj=donation, form=form,
                     save=lambda f: services.donation_receipt(actor=request.user, donation=donation,
                                                              number=f.cleaned_data["receipt_number"],
                                                              on=f.cleaned_data["receipt_on"], request=request),
                     done=_("已记录捐赠票据。"), title=_("记录捐赠票据"),
                     subtitle=_("票据由托管慈善组织开具，平台只记录票据号"))


# --- charity projects -------------------------------------------------------------------------

@requires(Action.CHARITY_MANAGE)
def project_list(request):
    qs = selectors.project_list(user=request.user)
    q = _q(request)
    if q:
        qs = qs.filter(title__contains=q)
    status = request.GET.get("status", "")
    if status in CharityProject.Status.values:
        qs = qs.filter(status=status)
    return render(request, "charity/project_list.html", {
        "page": Paginator(qs.order_by("-starts_on", "-id"), PER_PAGE).get_page(request.GET.get("page")),
        "q": q, "status": status, "statuses": CharityProject.Status.choices})


def _project_form(request, project=None):
    form = ProjectForm(request.POST or None, instance=project, stations=selectors.stations_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
        try:
            saved = services.project_save(actor=request.user, station=project.station if project else
                                          form.cleaned_data["station"], data=data, project=project, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("慈善项目已保存。"))
            return redirect(saved)
    return _form_page(request, form, _("编辑慈善项目") if project else _("新建慈善项目"),
                      project.get_absolute_url() if project else reverse("charity:projects"))


@requires(Action.CHARITY_MANAGE)
def project_new(request):
    return _project_form(request)


@requires(Action.CHARITY_MANAGE)
def project_edit(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return _project_form(request, CharityProject.objects.select_related("station").get(pk=project.pk))


@requires(Action.CHARITY_MANAGE)
def project_detail(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    visible = selectors.beneficiaries_visible(user=request.user, project=project)
    return render(request, "charity/project_detail.html", {
        "project": project, "beneficiaries": visible, "hidden": project.helped - visible.count(),
        "donations": selectors.donation_list(user=request.user).filter(project=project).order_by("-received_on")[:50],
        "expenses": project.expenses.filter(status=FundEntry.Status.APPROVED).select_related("fund")
        .order_by("-on", "-id")[:50],
        "may_add": can(request.user, Action.PERSON_VIEW)})


def _needs_person_view(request) -> None:
    """Beneficiaries are residents: listing or changing them needs their files (a district
    official oversees the project's numbers, not the people in it)."""
    if not can(request.user, Action.PERSON_VIEW):
        raise PermissionDenied(_("您的角色无权查看服务对象档案，不能维护受益人名单。"))


@requires(Action.CHARITY_MANAGE)
def beneficiary_add(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    _needs_person_view(request)
    residents = people_selectors.resident_list(user=request.user)
    picker = people_selectors.resident_picker(residents=residents, request=request)
    form = BeneficiaryForm(request.POST or None)
    if picker.chosen is not None and request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_add(actor=request.user, project=project, resident=picker.chosen,
                                     on=form.cleaned_data["added_on"], request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("%(n)s 已列为受益人。") % {"n": picker.chosen.name})
            return redirect(project)
    return render(request, "charity/beneficiary_add.html", {"project": project, "picker": picker, "form": form})


@requires(Action.CHARITY_MANAGE)
@require_POST
def beneficiary_remove(request, pk, beneficiary_pk):
    project = selectors.project_get(user=request.user, pk=pk)
    _needs_person_view(request)
    link = get_object_or_404(selectors.beneficiaries_visible(user=request.user, project=project), pk=beneficiary_pk)
    try:
        services.beneficiary_remove(actor=request.user, project=project, link=link, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已移出受益人名单。"))
    return redirect(project)


# --- donation points --------------------------------------------------------------------------

@requires(Action.CHARITY_MANAGE)
def point_list(request):
    qs = selectors.point_list(user=request.user).order_by("-active", "station__division_id", "name")
    return render(request, "charity/point_list.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))})


def _point_form(request, point=None):
    form = PointForm(request.POST or None, instance=point, stations=selectors.stations_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
        try:
            services.point_save(actor=request.user, station=point.station if point else form.cleaned_data["station"],
                                data=data, point=point, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("捐赠点已保存。"))
            return redirect("charity:points")
    return _form_page(request, form, _("编辑捐赠点") if point else _("新增慈善捐赠点"), reverse("charity:points"))


@requires(Action.CHARITY_MANAGE)
def point_new(request):
    return _point_form(request)


@requires(Action.CHARITY_MANAGE)
def point_edit(request, pk):
    point = selectors.point_get(user=request.user, pk=pk)
    return _point_form(request, DonationPoint.objects.select_related("station").get(pk=point.pk))


# --- resource links ---------------------------------------------------------------------------

@requires(Action.CHARITY_MANAGE)
def link_list(request):
    everything = selectors.link_list(user=request.user)
    qs = everything
    q = _q(request)
    if q:
        qs = qs.filter(Q(description__contains=q) | Q(provider_name__contains=q) | Q(donor__name__contains=q))
    kind = request.GET.get("kind", "")
    if kind in ResourceLink.Kind.values:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("-linked_on", "-id")
    if request.GET.get("export") == "xlsx":
        return audited_xlsx(
            request, filename=f"资源链接-{timezone.localdate():%Y%m%d}.xlsx", title=_("资源链接"),
            headers=[_("链接日期"), _("资源类型"), _("资源内容"), _("提供方"), _("对接需求/个案"), _("链接站点")],
            rows=([r.linked_on, r.get_kind_display(), r.description, r.provider,
                   selectors.need_label(request.user, r.need) or selectors.case_label(request.user, r.case),
                   r.station.name] for r in qs.iterator()),
            count=qs.count(), object_type="charity.resourcelink", query=f"q={q}&kind={kind}")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.target = selectors.need_label(request.user, r.need) or selectors.case_label(request.user, r.case)
    return render(request, "charity/link_list.html", {
        "page": page, "q": q, "kind": kind, "kinds": ResourceLink.Kind.choices,
        "providers": selectors.providers_linked(everything), "count": everything.count()})


def _link_form(request, link=None):
    user = request.user
    form = LinkForm(request.POST or None, instance=link, stations=selectors.stations_for(user=user),
                    donors=selectors.donor_choices(user=user), needs=selectors.open_needs(user=user),
                    cases=selectors.readable_cases(user=user).exclude(stage="closed"))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
        try:
            services.link_save(actor=user, station=link.station if link else form.cleaned_data["station"], data=data,
                               link=link, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("资源链接已保存。"))
            return redirect("charity:links")
    return _form_page(request, form, _("编辑资源链接") if link else _("登记资源链接"), reverse("charity:links"))


@requires(Action.CHARITY_MANAGE)
def link_new(request):
    return _link_form(request)


@requires(Action.CHARITY_MANAGE)
def link_edit(request, pk):
    link = selectors.link_get(user=request.user, pk=pk)
    return _link_form(request, ResourceLink.objects.select_related("station__division").get(pk=link.pk))


# --- the public disclosure page ---------------------------------------------------------------

PUBLIC_ROWS = 100


@public
def public_fund(request, key):
    """基金公示: what the fund raised and spent, and from whom, as anyone may see it. Donors
    are named only with their consent; no phone, no resident's name."""
    fund = selectors.public_fund(key=key)
    spending, income = selectors.public_spending(fund), selectors.public_income(fund)
    return render(request, "charity/public_fund.html", {
        "fund": fund, "totals": selectors.fund_totals(fund),
        "spending": spending[:PUBLIC_ROWS], "spending_count": spending.count(),
        "income": income[:PUBLIC_ROWS], "income_count": income.count(), "rows": PUBLIC_ROWS,
        "projects": selectors.public_projects(fund),
        "points": selectors.public_points(station=fund.station)[:10]})
