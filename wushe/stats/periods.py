"""Statistical periods (统计期): a month, a quarter, a year or any span of days, and the one
before it for comparison."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("month", "quarter", "year", "custom")
MAX_DAYS = 3700  # about ten years: a longer custom span is a typo


class PeriodError(ValueError):
    pass


def _month_start(day: datetime.date, months_back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(first: datetime.date) -> datetime.date:
    return _month_start(first, -1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> "Period":
        if kind == "year":
            return cls(kind, datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
        if kind == "quarter":
            first = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            return cls(kind, first, month_end(_month_start(first, -2)))
        first = day.replace(day=1)
        return cls("month", first, month_end(first))

    @classmethod
    def parse(cls, params) -> "Period":
        """From query parameters: ``period`` (month|quarter|year|custom) with ``at``
        (YYYY-MM-DD, YYYY-MM or YYYY: any day inside), or ``from``/``to`` for custom."""
        kind = params.get("period") or "month"
        if kind not in KINDS:
            raise PeriodError(_("统计期类型只能是月、季、年或自定义。"))
        if kind == "custom":
            try:
                start = datetime.date.fromisoformat(params.get("from", ""))
                end = datetime.date.fromisoformat(params.get("to", ""))
            except ValueError:
                raise PeriodError(_("自定义时段的开始、结束日期须为 YYYY-MM-DD 格式。")) from None
            if end < start:
                raise PeriodError(_("结束日期不能早于开始日期。"))
            if (end - start).days > MAX_DAYS:
                raise PeriodError(_("自定义时段不能超过十年。"))
            return cls(kind, start, end)
        at = (params.get("at") or "").strip()
        try:
            day = (datetime.date.fromisoformat(at) if len(at) == 10 else
                   datetime.date.fromisoformat(at + "-01") if len(at) == 7 else
                   datetime.date(int(at), 1, 1) if len(at) == 4 else timezone.localdate())
        except ValueError:
            raise PeriodError(_("统计期“%(at)s”无法识别，请用 YYYY-MM 或 YYYY。") % {"at": at[:20]}) from None
        if not 1990 <= day.year <= 2199:
            raise PeriodError(_("统计期超出可查询的年份。"))
        return cls.containing(kind, day)

    def previous(self) -> "Period":
        if self.kind == "custom":
            length = self.end - self.start
            end = self.start - datetime.timedelta(days=1)
            return Period("custom", end - length, end)
        return Period.containing(self.kind, self.start - datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(month)
            month = _month_start(month, -1)
        return out

    def split(self) -> tuple[list[tuple[datetime.date, datetime.date]], tuple[datetime.date, datetime.date] | None]:
        """Day spans at the ragged edges and the run of whole months between: a sum over the
        period reads month rollups for the months and day rollups only for the edges."""
        whole = [m for m in self.months() if m >= self.start and month_end(m) <= self.end]
        if not whole:
            return [(self.start, self.end)], None
        edges = []
        if self.start < whole[0]:
            edges.append((self.start, whole[0] - datetime.timedelta(days=1)))
        if month_end(whole[-1]) < self.end:
            edges.append((month_end(whole[-1]) + datetime.timedelta(days=1), self.end))
        return edges, (whole[0], whole[-1])

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("%(y)s年") % {"y": self.start.year}
        if self.kind == "quarter":
            return _("%(y)s年第%(q)s季度") % {"y": self.start.year, "q": (self.start.month - 1) // 3 + 1}
        if self.kind == "month":
            return _("%(y)s年%(m)s月") % {"y": self.start.year, "m": self.start.month}
        return f"{self.start:%Y-%m-%d} — {self.end:%Y-%m-%d}"

    @property
    def at(self) -> str:
        return self.start.isoformat()

    def query(self) -> dict:
        """The query parameters that select this period again."""
        if self.kind == "custom":
            return {"period": "custom", "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"period": self.kind, "at": self.start.isoformat()}
