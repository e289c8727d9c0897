"""Reads of charity resources, scoped by ``charity.manage`` on the station that keeps each
record. A fund's sums are always taken from its ledger (FundEntry), never from a stored
total; a resident linked to a charity project is listed only to those who may see the
resident's file (``person.view``), counted for everyone else."""

from decimal import Decimal

from django.core import signing
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower, Trim
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, prefixes_for
from wushe.casework.access import may_read
from wushe.charity.models import (
    Beneficiary,
    CharityProject,
    Donation,
    DonationPoint,
    Donor,
    Fund,
    FundEntry,
    ResourceLink,
)
from wushe.core.divisions import Level, within, within_any
from wushe.core.models import Division, Station

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _within(user, field: str = "station__division_id") -> Q:
    return within_any(field, prefixes_for(user, Action.CHARITY_MANAGE))


def _one(qs, pk):
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def stations_for(*, user) -> QuerySet[Station]:
    """Open stations where the user keeps charity records."""
    return (Station.objects.filter(_within(user, "division_id")).exclude(status=Station.Status.CLOSED)
            .select_related("division").order_by("division_id", "name"))


def areas_for(*, user) -> QuerySet[Division]:
    """Streets and communities a fund of the user's may serve."""
    return (Division.objects.filter(within_any("code", prefixes_for(user, Action.CHARITY_MANAGE)),
                                    level__in=[Level.TOWN, Level.VILLAGE]).order_by("code"))


def serves_within(station: Station, division: Division) -> bool:
    return division.code.startswith(station.division.prefix)


# --- donors -----------------------------------------------------------------------------------

def donor_list(*, user) -> QuerySet[Donor]:
    return Donor.objects.filter(_within(user)).select_related("station").annotate(
        given=Coalesce(Sum("donations__amount"), Value(ZERO), output_field=_MONEY),
        times=Count("donations"))


def donor_get(*, user, pk: int) -> Donor:
    return _one(donor_list(user=user), pk)


def donor_choices(*, user) -> QuerySet[Donor]:
    return Donor.objects.filter(_within(user)).order_by("name", "id")


# --- donations --------------------------------------------------------------------------------

def donation_list(*, user) -> QuerySet[Donation]:
    return (Donation.objects.filter(_within(user))
            .select_related("station", "donor", "fund", "project", "need"))


def donation_get(*, user, pk: int) -> Donation:
    return _one(donation_list(user=user), pk)


def donation_totals(qs: QuerySet[Donation]) -> dict:
    sums = qs.aggregate(cash=Sum("amount", filter=Q(kind=Donation.Kind.CASH)),
                        goods=Sum("amount", filter=Q(kind=Donation.Kind.GOODS)), n=Count("id"),
                        donors=Count("donor", distinct=True))
    return {"cash": sums["cash"] or ZERO, "goods": sums["goods"] or ZERO, "count": sums["n"],
            "donors": sums["donors"]}


# --- funds ------------------------------------------------------------------------------------

def _ledger_sum(kind: str, status: str):
    """One kind of a fund's counted lines, summed, as a subquery (joins would multiply)."""
    summed = (FundEntry.objects.filter(fund=OuterRef("pk"), kind=kind, status=status).order_by()
              .values("fund").annotate(n=Sum("amount")).values("n"))
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def fund_list(*, user) -> QuerySet[Fund]:
    return (Fund.objects.filter(_within(user)).select_related("station", "serves")
            .annotate(raised=_ledger_sum(FundEntry.Kind.INCOME, FundEntry.Status.CONFIRMED),
                      spent=_ledger_sum(FundEntry.Kind.EXPENSE, FundEntry.Status.APPROVED),
                      waiting=_ledger_sum(FundEntry.Kind.EXPENSE, FundEntry.Status.PENDING))
            .annotate(balance=ExpressionWrapper(F("raised") - F("spent"), output_field=_MONEY)))


def fund_get(*, user, pk: int) -> Fund:
    return _one(fund_list(user=user), pk)


def fund_choices(*, user) -> QuerySet[Fund]:
    """Funds that take donations and spending now."""
    return Fund.objects.filter(_within(user), status=Fund.Status.ACTIVE).select_related("station").order_by("name")


def fund_totals(fund: Fund) -> dict:
    """筹集 (confirmed income), 支出 (approved spending), 待审批, and 余额 = 筹集 − 支出, from the
    ledger itself."""
    sums = FundEntry.objects.filter(fund=fund).aggregate(
        raised=Sum("amount", filter=Q(kind=FundEntry.Kind.INCOME, status=FundEntry.Status.CONFIRMED)),
        spent=Sum("amount", filter=Q(kind=FundEntry.Kind.EXPENSE, status=FundEntry.Status.APPROVED)),
        waiting=Sum("amount", filter=Q(kind=FundEntry.Kind.EXPENSE, status=FundEntry.Status.PENDING)))
    raised, spent = sums["raised"] or ZERO, sums["spent"] or ZERO
    return {"raised": raised, "spent": spent, "waiting": sums["waiting"] or ZERO, "balance": raised - spent}


def balance_of(fund: Fund) -> Decimal:
    return fund_totals(fund)["balance"]


def funds_totals(funds: QuerySet[Fund]) -> dict:
    """筹集社区基金 over many funds (the seeds' figure), spent and balance."""
    entries = FundEntry.objects.filter(fund__in=funds)
    sums = entries.aggregate(
        raised=Sum("amount", filter=Q(kind=FundEntry.Kind.INCOME, status=FundEntry.Status.CONFIRMED)),
        spent=Sum("amount", filter=Q(kind=FundEntry.Kind.EXPENSE, status=FundEntry.Status.APPROVED)))
    raised, spent = sums["raised"] or ZERO, sums["spent"] or ZERO
    return {"funds": funds.count(), "raised": raised, "spent": spent, "balance": raised - spent}


def ledger(fund: Fund) -> QuerySet[FundEntry]:
    return (fund.entries.select_related("donation__donor", "requested_by", "decided_by", "project", "need")
            .order_by("on", "id"))


def committee_problems(members) -> list[str]:
    """What keeps a committee from governing a fund: at least 5 members, an odd number (so a
    vote cannot tie), at least one 监事."""
    from django.utils.translation import gettext as _

    from wushe.charity.models import CommitteeMember

    members = list(members)
    problems = []
    if len(members) < 5:
        problems.append(_("管理委员会至少需要5名成员（现有%(n)s名）。") % {"n": len(members)})
    if len(members) % 2 == 0:
        problems.append(_("管理委员会成员须为单数（现有%(n)s名）。") % {"n": len(members)})
    if not any(m.role == CommitteeMember.Role.SUPERVISOR for m in members):
        problems.append(_("管理委员会至少需要1名监事。"))
    return problems


def entry_get(*, user, pk: int) -> FundEntry:
    """One ledger line (an expenditure's attachments open through it)."""
    return _one(FundEntry.objects.filter(_within(user, "fund__station__division_id"))
                .select_related("fund__station", "requested_by", "decided_by", "project", "need"), pk)


def pending_expenses(fund: Fund) -> QuerySet[FundEntry]:
    return (fund.entries.filter(kind=FundEntry.Kind.EXPENSE, status=FundEntry.Status.PENDING)
            .select_related("requested_by", "project", "need").order_by("requested_at", "id"))


# --- the public disclosure page (公示) ---------------------------------------------------------

_FUND_PAGE = signing.Signer(salt="charity-fund-public-page")


def fund_page_key(fund: Fund) -> str:
    """The fund's public address key: its id signed, so pages cannot be enumerated."""
    return _FUND_PAGE.sign(str(fund.pk)).replace(":", "-")


def public_fund(*, key: str) -> Fund:
    """The fund behind a public key; 404 for a forged key or a fund not yet opened."""
    try:
        pk = int(_FUND_PAGE.unsign(key.replace("-", ":", 1)))
    except (signing.BadSignature, ValueError) as exc:
        raise Http404 from exc
    fund = Fund.objects.select_related("station", "serves").filter(pk=pk).exclude(status=Fund.Status.DRAFT).first()
    if fund is None:
        raise Http404
    return fund


def public_spending(fund: Fund) -> QuerySet[FundEntry]:
    return (fund.entries.filter(kind=FundEntry.Kind.EXPENSE, status=FundEntry.Status.APPROVED)
            .select_related("project").order_by("-on", "-id"))


def public_income(fund: Fund) -> QuerySet[FundEntry]:
    return (fund.entries.filter(kind=FundEntry.Kind.INCOME, status=FundEntry.Status.CONFIRMED)
            .select_related("donation__donor").order_by("-on", "-id"))


def public_projects(fund: Fund) -> QuerySet[CharityProject]:
    """The charity projects this fund has paid for, with their beneficiaries counted."""
    return (CharityProject.objects.filter(expenses__fund=fund, expenses__status=FundEntry.Status.APPROVED)
            .distinct().annotate(helped=Count("beneficiary_links", distinct=True)).order_by("-starts_on"))


# --- charity projects -------------------------------------------------------------------------

def _donated_sum():
    summed = (Donation.objects.filter(project=OuterRef("pk")).order_by().values("project")
              .annotate(n=Sum("amount")).values("n"))
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _spent_sum():
    summed = (FundEntry.objects.filter(project=OuterRef("pk"), kind=FundEntry.Kind.EXPENSE,
                                       status=FundEntry.Status.APPROVED).order_by().values("project")
              .annotate(n=Sum("amount")).values("n"))
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _helped_count():
    counted = (Beneficiary.objects.filter(project=OuterRef("pk")).order_by().values("project")
               .annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(counted), Value(0))


def project_list(*, user) -> QuerySet[CharityProject]:
    return (CharityProject.objects.filter(_within(user)).select_related("station")
            .annotate(raised=_donated_sum(), spent=_spent_sum(), helped=_helped_count()))


def project_get(*, user, pk: int) -> CharityProject:
    return _one(project_list(user=user), pk)


def project_choices(*, user) -> QuerySet[CharityProject]:
    return (CharityProject.objects.filter(_within(user), status=CharityProject.Status.ACTIVE)
            .select_related("station").order_by("-starts_on"))


def beneficiaries_visible(*, user, project: CharityProject) -> QuerySet[Beneficiary]:
    """The project's beneficiaries whose files the user may see; the rest are only counted."""
    return (project.beneficiary_links.filter(within_any("resident__community_id",
                                                        prefixes_for(user, Action.PERSON_VIEW)))
            .select_related("resident__community", "added_by"))


# --- donation points and resource links -------------------------------------------------------

def point_list(*, user) -> QuerySet[DonationPoint]:
    return DonationPoint.objects.filter(_within(user)).select_related("station")


def point_get(*, user, pk: int) -> DonationPoint:
    return _one(point_list(user=user), pk)


def link_list(*, user) -> QuerySet[ResourceLink]:
    return ResourceLink.objects.filter(_within(user)).select_related("station", "donor", "need", "case__resident")


def link_get(*, user, pk: int) -> ResourceLink:
    return _one(link_list(user=user), pk)


def providers_linked(links: QuerySet[ResourceLink]) -> int:
    """链接各界社会资源N家: distinct providers, a donor on file counted once however often
    linked, a provider named in words counted once by its name (case and spaces ignored)."""
    donors = links.filter(donor__isnull=False).values("donor").distinct().count()
    named = (links.filter(donor__isnull=True).annotate(key=Lower(Trim("provider_name"))).values("key")
             .distinct().count())
    return donors + named


def need_label(user, need) -> str:
    """A need as the user may see it: its text with person.view there, a placeholder otherwise."""
    from django.utils.translation import gettext as _

    if need is None:
        return ""
    return str(need) if can(user, Action.PERSON_VIEW, need) else _("已对接一项需求（无权查看详情）")


def case_label(user, case) -> str:
    from django.utils.translation import gettext as _

    if case is None:
        return ""
    if may_read(user, case):
        return _("个案 #%(n)s（%(p)s）") % {"n": case.pk, "p": case.resident.name}
    return _("已对接一个个案（无权查看详情）")


def public_points(*, station) -> QuerySet[DonationPoint]:
    return DonationPoint.objects.filter(within("station__division_id", station.division.prefix), active=True)


def open_needs(*, user):
    """Needs still to meet, in the user's personal-data scope (a gift or resource for one)."""
    from wushe.people.models import Need
    from wushe.people.selectors import need_list

    return need_list(user=user).filter(status__in=[Need.Status.OPEN, Need.Status.MATCHED, Need.Status.IN_SERVICE])


def readable_cases(*, user):
    """Cases whose content the user may read (``casework.access.may_read`` as a query): the
    team, the supervisor, those granted, and the 站长 of the station except on a sensitive
    case with its own supervisor."""
    from wushe.accounts.roles import Role
    from wushe.accounts.scope import assignments_of
    from wushe.casework.selectors import case_list

    headed = [a.station_id for a in assignments_of(user) if a.role == Role.HEAD]
    mine = (Q(lead=user) | Q(team=user) | Q(supervisor=user) | Q(grants__user=user)
            | (Q(station_id__in=headed) & ~Q(sensitive=True, supervisor__isnull=False)))
    return case_list(user=user).filter(mine).distinct().order_by("-opened_on", "-id")
