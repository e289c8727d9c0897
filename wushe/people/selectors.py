"""Reads of the people registry, always narrowed to the user's scope (person.view)."""

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check, prefixes_for
from wushe.core.divisions import Level, within_any
from wushe.core.models import Division, Station
from wushe.core.pii import hash_lookup
from wushe.people.models import (
    ImportJob,
    Need,
    Resident,
    ResidentShare,
    Survey,
    SurveyAnswer,
    Tag,
    TransferRequest,
    Visit,
    age_on,
)

AGE_BANDS = {
    # code: (label, youngest age, oldest age)
    "minor": (_("未成年（0–17岁）"), 0, 17),
    "adult": (_("18–59岁"), 18, 59),
    "elderly": (_("老年人（60岁及以上）"), 60, None),
    "old_old": (_("高龄（80岁及以上）"), 80, None),
}


def _scoped(model, user) -> QuerySet:
    return model.objects.filter(within_any("community_id", prefixes_for(user, Action.PERSON_VIEW)))


def resident_list(*, user) -> QuerySet[Resident]:
    return _scoped(Resident, user).select_related("community", "station")


# The list's sortable columns (``?sort=name``, ``?sort=-name``): column → the indexed order.
RESIDENT_SORTS = {"name": ("name_pinyin",), "age": ("-birth_date",), "community": ("community_id", "name")}


def resident_sorted(qs: QuerySet[Resident], sort: str) -> QuerySet[Resident]:
    """The list in a column's order (``-`` reverses it); the model's order for anything else."""
    fields = RESIDENT_SORTS.get(sort.removeprefix("-"))
    if fields is None:
        return qs
    if sort.startswith("-"):
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    return qs.order_by(*fields, "pk")


def _file(pk: int) -> Resident:
    resident = Resident.objects.select_related("community", "station__division", "household").filter(pk=pk).first()
    if resident is None:
        raise Http404
    return resident


def resident_get(*, user, pk: int) -> Resident:
    """One resident's file, or 404 when it lies outside the user's scope."""
    resident = _file(pk)
    check(user, Action.PERSON_VIEW, resident)
    return resident


def born_between(band: str, on: datetime.date | None = None) -> Q:
    """Residents whose age on ``on`` lies in the band: a range on birth_date (indexed)."""
    on = on or timezone.localdate()
    _label, youngest, oldest = AGE_BANDS[band]
    q = Q(birth_date__lte=_years_before(on, youngest))
    if oldest is not None:
        q &= Q(birth_date__gt=_years_before(on, oldest + 1))
    return q


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def search(qs: QuerySet[Resident], text: str) -> QuerySet[Resident]:
    """Name, pinyin initials or full pinyin, full ID number, last 4 ID digits, or mobile."""
    text = "".join(text.split())
    if not text:
        return qs
    # Phone numbers are typed every which way: 139-1000-0001, +86 139…, 0086139….
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) >= 11 and set(text) <= set("0123456789+-() "):
        for prefix in ("0086", "86"):
            if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
                digits = digits[len(prefix):]
        if len(digits) == 11 and digits.startswith("1"):
            try:
                return qs.filter(mobile_hash=hash_lookup("mobile", digits))
            except ValidationError:
                return qs.none()
    compact = text.upper()
    if len(compact) in (15, 18) and compact[:-1].isdigit():
        try:
            return qs.filter(id_number_hash=hash_lookup("id_number", compact))
        except ValidationError:
            return qs.none()
    if len(compact) == 4 and (compact.isdigit() or (compact[:3].isdigit() and compact[3] == "X")):
        return qs.filter(id_suffix=compact)
    if compact.isdigit() and len(compact) >= 11:
        return qs.none()  # a long number that is neither a mobile (above) nor an ID
    if text.isascii():
        return qs.filter(name_pinyin__contains=text.lower())
    return qs.filter(name__contains=text)


@dataclass
class TagCount:
    tag: Tag
    count: int


def tag_counts(qs: QuerySet[Resident]) -> list[TagCount]:
    """How many of these residents carry each tag (人员类别统计), counted from records."""
    counts = dict(
        Resident.tags.through.objects.filter(resident__in=qs.order_by().values("pk"))
        .values_list("tag_id").annotate(n=Count("resident_id")).order_by()
    )
    return [TagCount(t, counts.get(t.pk, 0)) for t in Tag.objects.filter(active=True)]


def communities_for(*, user) -> QuerySet[Division]:
    """The 村/社区 a user may register residents in."""
    return Division.objects.filter(
        within_any("code", prefixes_for(user, Action.PERSON_VIEW)), level=Level.VILLAGE
    ).order_by("code")


def stations_for(*, user) -> QuerySet[Station]:
    """Open stations within the user's personal-data scope: where a file can be kept."""
    return Station.objects.filter(
        within_any("division_id", prefixes_for(user, Action.PERSON_VIEW))
    ).exclude(status=Station.Status.CLOSED).select_related("division").order_by("division_id")


def resident_needs(*, resident: Resident) -> QuerySet[Need]:
    return resident.needs.select_related("handler").order_by("-raised_on", "-id")


def resident_visits(*, resident: Resident) -> list[Visit]:
    """The resident's visits, newest first, each with its ``photos``."""
    from wushe.core.attachments import attachments_by_record

    visits = list(resident.visits.prefetch_related("visitors").order_by("-visited_on", "-id"))
    photos = attachments_by_record(Visit, [v.pk for v in visits])
    for visit in visits:
        visit.photos = photos.get(visit.pk, [])
    return visits


def need_list(*, user) -> QuerySet[Need]:
    return _scoped(Need, user).select_related("resident", "community", "handler")


def need_get(*, user, pk: int) -> Need:
    need = Need.objects.select_related("resident", "community").filter(pk=pk).first()
    if need is None:
        raise Http404
    check(user, Action.PERSON_VIEW, need)
    return need


def overdue_visits(*, user, on: datetime.date | None = None) -> QuerySet[Resident]:
    """Residents with a visit plan whose next visit is past due, most overdue first."""
    on = on or timezone.localdate()
    return resident_list(user=user).filter(visit_due_on__lt=on).order_by("visit_due_on", "name")


@dataclass
class Version:
    record: object  # the historical row
    changes: list[tuple[str, str, str]]  # (field label, old, new)


# Encrypted values are compared but never shown, not even in the history.
_HIDDEN_IN_HISTORY = {"id_number", "mobile", "id_number_hash", "mobile_hash", "id_suffix", "guardian_phone",
                      "id_number_masked", "mobile_masked",
                      "guardian_phone_hash", "birth_date", "sex"}  # birth date + masked ID = the full ID


def resident_history(*, resident: Resident, limit: int = 100) -> list[Version]:
    """The resident's versions, newest first, each with what changed from the one before."""
    records = list(resident.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit + 1])
    versions = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                field = Resident._meta.get_field(change.field)
                label = str(field.verbose_name)
                if change.field == "tags":
                    changes.append((label, _tag_names(change.old), _tag_names(change.new)))
                elif change.field in _HIDDEN_IN_HISTORY:
                    changes.append((label, "***", "***"))
                else:
                    changes.append((label, str(change.old or "—"), str(change.new or "—")))
        versions.append(Version(newer, changes))
    return versions[:limit]


def _tag_names(links: list[dict]) -> str:
    """A historical tag set (rows of the history's through table) as names."""
    names = Tag.objects.filter(pk__in=[link["tag"] for link in links]).order_by("name").values_list("name", flat=True)
    return "、".join(names) or "—"


def duplicate_owner(*, id_number_hash: str) -> Resident | None:
    """The resident already registered with this ID anywhere on the platform (not scoped:
    the caller only tells the user whether it is theirs to see)."""
    if not id_number_hash:
        return None
    return Resident.objects.select_related("station").filter(id_number_hash=id_number_hash).first()


def visit_list(*, user) -> QuerySet[Visit]:
    return _scoped(Visit, user).select_related("resident").prefetch_related("visitors")


def visit_get(*, user, pk: int) -> Visit:
    """One visit, through its resident's file (404 outside scope): its photos open with it."""
    visit = Visit.objects.filter(pk=pk).only("pk", "resident_id").first()
    if visit is None:
        raise Http404
    resident_get(user=user, pk=visit.resident_id)
    return visit_list(user=user).get(pk=pk)


def import_jobs(*, user):
    """The user's own recent imports."""
    return ImportJob.objects.filter(user=user).select_related("station").order_by("-created_at")


def household_members(*, user, resident: Resident) -> QuerySet[Resident]:
    """The other members of the resident's 户 that the user may see."""
    if not resident.household_id:
        return Resident.objects.none()
    return resident_list(user=user).filter(household_id=resident.household_id).exclude(pk=resident.pk)


@dataclass
class DuplicateGroup:
    reason: str
    residents: list


def likely_duplicates(*, user, limit: int = 50) -> list[DuplicateGroup]:
    """Files that probably describe one person: same name and birth date, or same mobile."""
    base = resident_list(user=user)
    groups = []
    same_person = (base.exclude(birth_date=None).values("name", "birth_date").annotate(n=Count("id"))
                   .filter(n__gt=1).order_by("name")[:limit])
    for g in same_person:
        groups.append(DuplicateGroup(str(_("姓名和出生日期相同")),
                                     list(base.filter(name=g["name"], birth_date=g["birth_date"]))))
    same_phone = (base.exclude(mobile_hash="").values("mobile_hash").annotate(n=Count("id"))
                  .filter(n__gt=1).order_by()[:limit])
    for g in same_phone:
        groups.append(DuplicateGroup(str(_("手机号相同")), list(base.filter(mobile_hash=g["mobile_hash"]))))
    return groups[:limit]


def transfers_incoming(*, user):
    """Requests for files the user's scope keeps (the side that decides)."""
    return (TransferRequest.objects.filter(within_any("resident__community_id", prefixes_for(user, Action.PERSON_VIEW)))
            .select_related("resident", "to_station", "to_community", "requested_by").order_by("status", "-created_at"))


def transfers_outgoing(*, user):
    """Requests the user's stations sent: only their status and what the asker typed is shown."""
    return (TransferRequest.objects.filter(within_any("to_station__division_id", prefixes_for(user, Action.PERSON_VIEW)))
            .select_related("to_station", "to_community", "requested_by").order_by("-created_at"))


def transfer_get(*, user, pk: int):
    transfer = TransferRequest.objects.select_related("resident", "to_station").filter(pk=pk).first()
    if transfer is None:
        raise Http404
    check(user, Action.PERSON_VIEW, transfer)
    return transfer


def survey_list(*, user):
    return (Survey.objects.filter(within_any("station__division_id", prefixes_for(user, Action.PERSON_VIEW)))
            .select_related("station").annotate(n=Count("responses")).order_by("-created_at"))


def survey_get(*, user, pk: int):
    survey = Survey.objects.select_related("station__division").filter(pk=pk).first()
    if survey is None:
        raise Http404
    check(user, Action.PERSON_VIEW, survey)
    return survey


@dataclass
class QuestionSummary:
    question: object
    counts: list[tuple[str, int, float]]  # option, answers, percent of responses
    texts: list[str]


def survey_summary(*, survey) -> tuple[int, list[QuestionSummary]]:
    """Answers counted per option (a multiple choice counts each option chosen)."""
    total = survey.responses.count()
    summaries = []
    for question in survey.questions.all():
        values = SurveyAnswer.objects.filter(question=question).values_list("value", flat=True)
        if question.kind == question.Kind.TEXT:
            summaries.append(QuestionSummary(question, [], list(values.order_by("-id")[:20])))
            continue
        tally = dict.fromkeys(question.option_list, 0)
        for value in values.iterator():
            for option in value.split("\n"):
                if option in tally:
                    tally[option] += 1
        summaries.append(QuestionSummary(
            question, [(o, n, n * 100 / total if total else 0) for o, n in tally.items()], []))
    return total, summaries


def resident_get_for_reading(*, user, pk: int) -> tuple[Resident, bool]:
    """A file the user may read: inside their scope, or shared with a station of theirs.
    Returns (resident, shared); every write goes through ``resident_get`` instead."""
    resident = _file(pk)
    if can(user, Action.PERSON_VIEW, resident):
        return resident, False
    if shared_with(user=user).filter(resident=resident).exists():
        return resident, True
    raise Http404


def shared_with(*, user):
    """Files other stations shared with the stations of the user's scope (read only)."""
    return (ResidentShare.objects.filter(within_any("station__division_id", prefixes_for(user, Action.PERSON_VIEW)))
            .select_related("resident__community", "station").order_by("-granted_at"))


def resident_export_rows(qs: QuerySet[Resident], chunk: int = 2000):
    """One row per resident for the xlsx list, streamed, in the stored masked forms: an
    export of 100,000 people decrypts nothing."""
    today = timezone.localdate()
    # Labels translated once, not three lazy translations per row (a tenth of a 100,000-row export).
    sexes, incomes, risks = ({k: str(v) for k, v in choices.choices}
                             for choices in (Resident.Sex, Resident.Income, Resident.Risk))
    rows = qs.order_by("community_id", "name").values_list(
        "pk", "name", "sex", "birth_date", "id_number_masked", "mobile_masked", "community__name", "address",
        "income", "risk").iterator(chunk_size=chunk)
    while batch := list(itertools.islice(rows, chunk)):
        tags = defaultdict(list)
        for resident_id, tag in (Resident.tags.through.objects.filter(resident_id__in=[r[0] for r in batch])
                                 .order_by("tag__name").values_list("resident_id", "tag__name")):
            tags[resident_id].append(tag)
        for pk, name, sex, birth, id_masked, mobile_masked, community, address, income, risk in batch:
            yield (name, sexes.get(sex, ""), age_on(birth, today), id_masked, mobile_masked, community, address,
                   incomes.get(income, ""), risks.get(risk, ""), "、".join(tags[pk]))


@dataclass
class Picker:
    """A resident chosen by search rather than from a list (a station may hold 10,000)."""

    chosen: Resident | None
    query: str
    found: list


def resident_picker(*, residents: QuerySet[Resident], request) -> Picker:
    """The resident picked (``resident`` in the form or address, if in ``residents``), or
    the first ten matches of the search ``q``."""
    from wushe.core.views import parse_pk

    pk = parse_pk(request.POST.get("resident") or request.GET.get("resident"))
    chosen = residents.filter(pk=pk).first() if pk else None
    query = request.GET.get("q", "").strip()
    found = list(search(residents, query).order_by("name_pinyin")[:10]) if query and not chosen else []
    return Picker(chosen, query, found)
