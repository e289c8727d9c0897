"""Import residents from the Excel ledgers (台账) stations keep today.

Real ledgers are messy: a title row or merged cells above the header, header variants
(姓名/名字, 身份证号/公民身份号码 …), full-width digits, IDs stored as numbers or with
spaces, dates as Excel serials or "1950.3.2"/"1950年3月2日", blank rows. ``plan_import``
reads and validates everything without writing and reports every bad row with its row
number, column and reason; ``apply_import`` then writes in one transaction, either all
rows or only the good ones, as the user chose. Nothing is ever half-written.
"""

import csv
import datetime
import functools
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check
from wushe.core import audit
from wushe.core.divisions import Level, within
from wushe.core.models import AuditEntry, Division, Station
from wushe.core.pii import (
    Protected,
    encrypting,
    id_number_birth_date,
    id_number_sex,
    lookup_hash,
    normalize_id_number,
    normalize_mobile,
    plaintext,
)
from wushe.core.rows import Sink, Table, reserve_ids
from wushe.people.models import ImportJob, Resident, Tag
from wushe.people.rows import ENCRYPTED, ResidentRows
from wushe.people.services import resident_update

# field → header spellings found in real ledgers (compared after removing spaces).
HEADERS = {
    "name": ["姓名", "名字", "服务对象姓名", "居民姓名"],
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"],
    "mobile": ["手机号", "手机号码", "联系电话", "电话", "联系方式"],
    "community": ["社区", "所在社区", "社区/村", "村/社区", "村（社区）", "所属社区"],
    "address": ["住址", "家庭住址", "现住址", "居住地址", "地址"],
    "ethnicity": ["民族"],
    "sex": ["性别"],
    "birth_date": ["出生日期", "出生年月"],
    "living": ["居住情况", "居住状况"],
    "income": ["困难类型", "救助类型", "低保/特困"],
    "guardian_name": ["监护人", "紧急联系人", "监护人姓名"],
    "guardian_phone": ["监护人电话", "紧急联系人电话", "监护人联系电话"],
    "disability_type": ["残疾类别", "残疾类型"],
    "disability_grade": ["残疾等级"],
    "tags": ["人员类别", "类别", "对象类别"],
    "note": ["备注"],
}
TEMPLATE_COLUMNS = ["name", "id_number", "mobile", "community", "address", "ethnicity", "living", "income",
                    "guardian_name", "guardian_phone", "disability_type", "disability_grade", "tags", "note"]
LABELS = {f: spellings[0] for f, spellings in HEADERS.items()}
LABELS["community"] = "社区/村"
HEADER_SCAN_ROWS = 10
logger = logging.getLogger(__name__)


class ImportFileError(Exception):
    """The file as a whole cannot be read (no header, unknown type …)."""


@dataclass
class RowIssue:
    row: int  # the row number the user sees in Excel (1-based)
    column: str
    reason: str


@dataclass
class PlannedRow:
    row: int
    data: dict
    tags: list
    existing: Resident | None = None


@dataclass
class ImportPlan:
    creates: list[PlannedRow] = field(default_factory=list)
    updates: list[PlannedRow] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    rows_read: int = 0

    @property
    def bad_rows(self) -> set[int]:
        return {i.row for i in self.issues}


# --- reading --------------------------------------------------------------------------

def read_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(row number, cells) for every row of the first sheet, streamed."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # Ledgers saved by Excel on Chinese Windows are GB18030 (GBK), not UTF-8.
        encoding = "utf-8-sig"
        try:
            with path.open(encoding=encoding) as f:
                for _line in f:
                    pass
        except UnicodeDecodeError:
            encoding = "gb18030"
        with path.open(encoding=encoding, newline="") as f:
            yield from enumerate(csv.reader(f), start=1)
        return
    if suffix not in (".xlsx", ".xlsm", ".xls"):
        raise ImportFileError(_("不支持的文件类型“%(s)s”，请上传 .xlsx、.xls 或 .csv 文件。") % {"s": suffix})
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as exc:  # noqa: BLE001 - any parse failure is "not a readable workbook"
        raise ImportFileError(_("无法读取该 Excel 文件，请确认文件没有损坏或加密。")) from exc
    yield from enumerate(sheet.iter_rows(), start=1)


def _text(value) -> str:
    if value is None:
        return ""
    if type(value) is str and value.isascii():
        return value.strip()  # ASCII is its own NFKC form: most cells of a ledger are
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # NFKC: full-width digits and letters typed with a Chinese IME become ASCII.
    return unicodedata.normalize("NFKC", str(value)).strip()


def _key(header) -> str:
    return re.sub(r"\s+", "", _text(header))


def find_header(rows: Iterator[tuple[int, list]]) -> tuple[int, dict[int, str]]:
    """Skip title rows; the header is the first row naming a name column and one more."""
    for number, cells in rows:
        mapping = {}
        for index, cell in enumerate(cells):
            key = _key(cell)
            for fieldname, spellings in HEADERS.items():
                if key in spellings and fieldname not in mapping.values():
                    mapping[index] = fieldname
        if "name" in mapping.values() and len(mapping) >= 2:
            return number, mapping
        if number >= HEADER_SCAN_ROWS:
            break
    raise ImportFileError(_("在前 %(n)d 行没有找到表头：至少需要“姓名”列和另一列（如“身份证号”）。")
                          % {"n": HEADER_SCAN_ROWS})


# --- values -----------------------------------------------------------------------------

def parse_id(value, today: datetime.date | None = None) -> str:
    if isinstance(value, float) and value >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit ID saved as a number has lost its end.
        raise ValidationError(_("身份证号以数字格式保存，末几位已丢失，请把该列设为“文本”后重新录入。"))
    return normalize_id_number(_text(value), today=today)


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)):
        if not 1 <= value <= 80000:  # Excel serials of 1900-01-01 … 2119
            raise ValidationError(_("日期“%(v)s”无法识别，请写成 2024-01-23。") % {"v": value})
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))  # Excel serial
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise ValidationError(_("日期“%(v)s”无法识别，请写成 2024-01-23。") % {"v": text})
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError as exc:
        raise ValidationError(_("日期“%(v)s”不存在。") % {"v": text}) from exc


CHOICE_FIELDS = {"living": Resident.Living, "income": Resident.Income, "sex": Resident.Sex}


@functools.cache
def _choice_map(fieldname: str, language: str | None) -> dict[str, str]:
    """Label or value → value, built once per language: the labels are translated."""
    choices = CHOICE_FIELDS[fieldname].choices
    return {**{value: value for value, label in choices}, **{str(label): value for value, label in choices}}


def _choice(fieldname: str, text: str, language: str | None = None):
    found = _choice_map(fieldname, language or get_language()).get(text)
    if found is None:
        raise ValidationError(_("“%(v)s”不是可选的%(c)s：%(opts)s") % {
            "v": text, "c": LABELS[fieldname],
            "opts": "、".join(str(label) for value, label in CHOICE_FIELDS[fieldname].choices if value)})
    return found


# --- planning ----------------------------------------------------------------------------

@dataclass
class ImportOptions:
    station: Station
    community: Division | None = None  # used when a row names no community
    consent_on: datetime.date | None = None  # the batch's signed consent forms
    update_existing: bool = True


def plan_import(*, actor, path: Path, options: ImportOptions, progress=None) -> ImportPlan:
    """Read and validate the whole file; write nothing. ``progress(rows_read)`` is called
    every thousand rows, for the progress bar of a background import."""
    check(actor, Action.PERSON_VIEW, options.station)
    rows = read_rows(path)
    header_row, mapping = find_header(rows)
    communities = _communities(actor, options.station)
    tags = {t.name: t for t in Tag.objects.filter(active=True)}
    plan = ImportPlan()
    seen_ids: dict[str, int] = {}
    context = _RowContext(options, communities, tags, timezone.localdate(), get_language())
    width = max(mapping) + 1
    for number, cells in rows:
        if len(cells) < width:
            cells = [*cells, *[None] * (width - len(cells))]
        # Each cell's text once: the checks below read it many times.
        texts = {fieldname: _text(cells[i]) for i, fieldname in mapping.items()}
        if not any(texts.values()):
            continue  # blank row
        plan.rows_read += 1
        if progress is not None and plan.rows_read % 1000 == 0:
            progress(plan.rows_read)
        values = {fieldname: cells[i] for i, fieldname in mapping.items()}
        row = _plan_row(number, values, texts, context, plan)
        if row is None:
            continue
        id_hash = row.data.get("_id_hash")
        if id_hash:
            if id_hash in seen_ids:
                plan.issues.append(RowIssue(number, LABELS["id_number"],
                                            _("与第 %(n)d 行的身份证号重复。") % {"n": seen_ids[id_hash]}))
                continue
            seen_ids[id_hash] = number
        (plan.updates if row.existing else plan.creates).append(row)
    _match_existing(actor, plan, options)
    return plan


def _communities(actor, station) -> dict[str, Division]:
    found = {}
    for d in Division.objects.filter(within("code", station.division.prefix), level=Level.VILLAGE):
        if can(actor, Action.PERSON_VIEW, d):
            for name in {d.name, d.short_name, d.code}:
                found[name] = d
    return found


@dataclass
class _RowContext:
    """What every row of one plan is checked against, looked up once."""

    options: ImportOptions
    communities: dict[str, Division]
    tags: dict[str, Tag]
    today: datetime.date
    language: str | None


_TAG_SEPARATORS = re.compile(r"[、，,;；/\s]+")


def _plan_row(number, values, texts, context: _RowContext, plan) -> PlannedRow | None:
    """One row checked: ``values`` are the cells as read, ``texts`` their normalized text."""
    options = context.options
    data: dict = {"station": options.station}
    issues = []

    def fail(fieldname, message):
        issues.append(RowIssue(number, LABELS.get(fieldname, fieldname), str(message)))

    name = texts.get("name", "")
    if not name:
        fail("name", _("姓名不能为空。"))
    data["name"] = name
    if texts.get("id_number"):
        try:
            # Protected: normalized once here; the model's checks and the save reuse it.
            plain = parse_id(values["id_number"], context.today)
            data["id_number"] = Protected(plain, "id_number")
            data["_id_hash"] = lookup_hash("id_number", plain)
        except ValidationError as exc:
            fail("id_number", exc.messages[0])
    for fieldname in ("mobile", "guardian_phone"):
        if texts.get(fieldname):
            try:
                data[fieldname] = Protected(normalize_mobile(texts[fieldname]), "mobile")
            except ValidationError as exc:
                fail(fieldname, exc.messages[0])
    community_text = texts.get("community")
    if community_text:
        data["community"] = context.communities.get(community_text)
        if data["community"] is None:
            fail("community", _("“%(v)s”不是本站点服务范围内的社区或村。") % {"v": community_text})
    elif options.community is not None:
        data["community"] = options.community
    else:
        fail("community", _("请填写社区/村，或在导入时选择默认社区。"))
    for fieldname in ("address", "ethnicity", "guardian_name", "disability_type", "disability_grade", "note"):
        data[fieldname] = texts.get(fieldname, "")
    for fieldname in CHOICE_FIELDS:
        text = texts.get(fieldname)
        if text and text not in ("无", "—", "-"):
            try:
                data[fieldname] = _choice(fieldname, text, context.language)
            except ValidationError as exc:
                fail(fieldname, exc.messages[0])
    if texts.get("birth_date") and "id_number" not in data:
        try:
            data["birth_date"] = parse_date(values["birth_date"])
        except ValidationError as exc:
            fail("birth_date", exc.messages[0])
    row_tags = []
    if texts.get("tags"):
        for part in _TAG_SEPARATORS.split(texts["tags"]):
            if part:
                if part in context.tags:
                    row_tags.append(context.tags[part])
                else:
                    fail("tags", _("人员类别“%(v)s”不在类别列表中。") % {"v": part})
    if options.consent_on:
        data.update(consent_by=Resident.ConsentBy.SELF, consent_method=Resident.ConsentMethod.PAPER,
                    consent_on=options.consent_on)
    if not issues:
        issues += _model_issues(number, data, context.today)
    plan.issues += issues
    return None if issues else PlannedRow(number, data, row_tags)


# Ledger text that goes into the record as it is: its length is all there is to check.
TEXT_FIELDS = ("name", "address", "ethnicity", "guardian_name", "disability_type", "disability_grade", "note")
# What the model's rules read besides the row (see Resident.rule_errors).
_NOT_IN_LEDGER = {"household_id": None, "household": None, **{f: "" for f in Resident.CONSENT_FIELDS},
                  "consent_by": "", "consent_on": None, "consent_method": "", "birth_date": None}


def _model_issues(number, data, today) -> list[RowIssue]:
    """The model's own rules (consent, guardian for minors …) and field limits, reported per
    column. The same checks as ``full_clean`` for what a ledger can hold, without making a
    model of each row: that was two thirds of the time of checking a large ledger."""
    if "id_number" in data:
        plain = data["id_number"].reveal()
        data["birth_date"], data["sex"] = id_number_birth_date(plain), id_number_sex(plain)
    issues = []
    for fieldname in TEXT_FIELDS:
        if data.get(fieldname):
            try:
                Resident._meta.get_field(fieldname).run_validators(data[fieldname])
            except ValidationError as exc:
                issues.append(RowIssue(number, _label(fieldname), "；".join(exc.messages)))
    community = data.get("community")
    row = SimpleNamespace(**{**_NOT_IN_LEDGER, **data}, community_id=community.code if community else None,
                          station_id=data["station"].pk)
    issues += [RowIssue(number, _label(f), str(message))
               for f, message in Resident.rule_errors(row, today).items()]
    return issues


def _label(fieldname: str) -> str:
    return str(Resident._meta.get_field(fieldname).verbose_name)


def _match_existing(actor, plan: ImportPlan, options: ImportOptions) -> None:
    """Rows whose ID is registered already: an update inside the scope, an error outside."""
    by_hash = {r.data["_id_hash"]: r for r in plan.creates if r.data.get("_id_hash")}
    if not by_hash:
        return
    matched = set()
    for hashes in _chunks(list(by_hash), 500):
        for existing in Resident.objects.filter(id_number_hash__in=hashes).select_related("community"):
            row = by_hash[existing.id_number_hash]
            matched.add(row.row)
            if not can(actor, Action.PERSON_VIEW, existing):
                plan.issues.append(RowIssue(row.row, LABELS["id_number"],
                                            _("该居民已在其他站点登记，不能重复建档。")))
            elif options.update_existing:
                row.existing = existing
                plan.updates.append(row)
    plan.creates = [r for r in plan.creates if r.row not in matched]


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --- writing -------------------------------------------------------------------------------

@dataclass
class ImportResult:
    created: int
    updated: int
    skipped_rows: int


def apply_import(*, actor, plan: ImportPlan, all_or_nothing: bool, request=None, source: str = "") -> ImportResult:
    """Write the plan in one transaction: everything or nothing goes in."""
    if all_or_nothing and plan.issues:
        raise ValidationError(_("文件中有 %(n)d 行存在问题，按“全部或不导入”的选择，没有导入任何数据。")
                              % {"n": len(plan.bad_rows)})
    with transaction.atomic():
        if plan.creates:
            _write_new(actor, plan.creates)
        for row in plan.updates:
            data = {k: v for k, v in row.data.items() if not k.startswith("_") and v not in ("", None)}
            resident_update(actor=actor, resident=row.existing, data=data, request=request)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, object_type="people.import",
                     object_label=source[:200], division_code=plan.creates[0].data["community"].code
                     if plan.creates else "",
                     detail={"created": len(plan.creates), "updated": len(plan.updates),
                             "skipped": len(plan.bad_rows)})
    return ImportResult(len(plan.creates), len(plan.updates), len(plan.bad_rows))


# What a new resident from a ledger has that no ledger column gives.
_NEW_DEFAULTS = {"name_pinyin": "", "household_id": None, "relation": "", "living": "", "income": "", "sex": "",
                 "birth_date": None, "risk": Resident.Risk.LOW, "visit_every_days": None, "last_visit_on": None,
                 "visit_due_on": None, "consent_by": "", "consent_method": "", "consent_on": None,
                 "id_number": "", "mobile": "", "guardian_phone": ""}


def new_resident(row: PlannedRow, actor) -> SimpleNamespace:
    """A checked new row as ``ResidentRows`` takes it: the row's values over the defaults."""
    d = row.data
    return SimpleNamespace(**{**_NEW_DEFAULTS, **d}, station_id=d["station"].pk, community_id=d["community"].code,
                           created_by_id=actor.pk)


ENCRYPT_BATCH = 2_000  # rows whose personal fields cross to the encrypting process at once


def _write_new(actor, rows: list[PlannedRow]) -> None:
    """The new residents as plain rows (``ResidentRows``), in the caller's transaction; their
    personal fields encrypted meanwhile on another core (``pii.encrypting``)."""
    Link = Resident.tags.through
    batches = list(_chunks(rows, ENCRYPT_BATCH))
    plain = ([plaintext(row.data.get(f)) for row in batch for f in ENCRYPTED] for batch in batches)
    n = len(ENCRYPTED)
    # Entered before the writer thread starts: the encrypting process is forked from one thread.
    with encrypting(plain, len(rows) * n) as encrypted:
        sink = Sink()
        try:
            residents = ResidentRows(sink, ids=reserve_ids(Resident, len(rows)))
            links = Table(Link, ["resident_id", "tag_id"], sink,
                          ids=reserve_ids(Link, sum(len(r.tags) for r in rows)))
            for batch, tokens in zip(batches, encrypted, strict=True):
                for i, row in enumerate(batch):
                    pk = residents.add(new_resident(row, actor), tokens[i * n:(i + 1) * n])
                    for tag in row.tags:
                        links.add(pk, tag.pk)
            residents.flush()
            links.flush()
            sink.drain()
        except BaseException:
            sink.abandon()  # the connection is free before the rollback
            raise
        finally:
            sink.close()


def template_workbook():
    """The import template: Chinese headers, a sample row, drop-down lists for choices."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "服务对象"
    ws.append([LABELS[c] for c in TEMPLATE_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    sample = {"name": "张三", "id_number": "（18位身份证号）", "mobile": "13800000000", "community": "西园新村社区",
              "address": "某某路1号2栋301室", "ethnicity": "汉族", "living": "独居", "income": "低保",
              "guardian_name": "", "guardian_phone": "", "disability_type": "", "disability_grade": "",
              "tags": "老年人、独居老人", "note": "示例行，导入前请删除"}
    ws.append([sample[c] for c in TEMPLATE_COLUMNS])
    for column, choices in (("living", Resident.Living.choices), ("income", Resident.Income.choices)):
        letter = chr(ord("A") + TEMPLATE_COLUMNS.index(column))
        options = ",".join(str(label) for value, label in choices if value)
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}10000")
        ws.add_data_validation(validation)
    # ID and phone columns as text, so Excel keeps every digit.
    for column in ("id_number", "mobile", "guardian_phone"):
        letter = chr(ord("A") + TEMPLATE_COLUMNS.index(column))
        for row in range(2, 10001):
            ws[f"{letter}{row}"].number_format = "@"
        ws.column_dimensions[letter].width = 22
    return wb


# --- background jobs (ImportJob): thin steps the tasks call ---------------------------------

ISSUES_KEPT = 20000


def _job_options(job) -> ImportOptions:
    return ImportOptions(station=job.station, community=job.community, consent_on=job.consent_on)


def _count_rows(path: Path) -> int:
    return sum(1 for _ in read_rows(path))


def _fail(job, exc: Exception) -> None:
    """End a job as failed: the user's own mistakes are named, anything else is logged and
    reported plainly; the uploaded ledger (plaintext IDs) is deleted either way."""
    if isinstance(exc, (ImportFileError, ValidationError)):
        message = "；".join(getattr(exc, "messages", [str(exc)]))
    else:
        logger.exception("import job %s failed", job.pk)
        message = _("导入时出现意外错误，没有写入任何数据。请检查文件后重试，或联系管理员。")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error=message,
                                               finished_at=timezone.now())
    Path(job.file_path).unlink(missing_ok=True)


def plan_job(job) -> None:
    """Check an uploaded ledger and store the summary and problems on the job."""
    path = Path(job.file_path)
    try:
        total = max(_count_rows(path), 1)

        def progress(rows):
            ImportJob.objects.filter(pk=job.pk).update(progress=min(99, rows * 100 // total))

        plan = plan_import(actor=job.user, path=path, options=_job_options(job), progress=progress)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the job must end, not hang
        _fail(job, exc)
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.READY, progress=100, rows_read=plan.rows_read,
        planned_creates=len(plan.creates), planned_updates=len(plan.updates), bad_rows=len(plan.bad_rows),
        issues=[[i.row, i.column, i.reason] for i in sorted(plan.issues, key=lambda i: i.row)[:ISSUES_KEPT]])


def apply_job(job) -> None:
    """Import a checked ledger as the user chose; the file is planned again, so what goes in
    is exactly what the file holds now."""
    try:
        plan = plan_import(actor=job.user, path=Path(job.file_path), options=_job_options(job))
        result = apply_import(actor=job.user, plan=plan, all_or_nothing=job.all_or_nothing,
                              source=job.source_name)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the job must end, not hang
        _fail(job, exc)
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, created=result.created, updated=result.updated,
        finished_at=timezone.now())
    Path(job.file_path).unlink(missing_ok=True)


UNCONFIRMED_DAYS = 7


def prune_stale_imports(days: int = UNCONFIRMED_DAYS) -> int:
    """Delete ledgers uploaded but never confirmed within ``days``: they hold plaintext ID
    numbers. Runs after every new upload is checked, and as ``wushe prune_imports``."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    count = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff, status=ImportJob.Status.READY):
        Path(job.file_path).unlink(missing_ok=True)
        count += ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
            status=ImportJob.Status.FAILED, error=_("上传后 %(d)d 天未确认导入，文件已删除。") % {"d": days},
            finished_at=timezone.now())
    return count

