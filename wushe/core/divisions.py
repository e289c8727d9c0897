"""The national statistical division code (统计用区划代码) and what its digits mean.

A code has 12 digits: province 2, city 2, county 2, town/street 3, village/community 3.
A division's *prefix* is the part that is its own (``340104005`` for 西园街道); every
division, station or record below it has a code starting with that prefix, which is
what scope filtering uses.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CODE_LENGTH = 12


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("地级")
    COUNTY = 3, _("区县")
    TOWN = 4, _("乡镇街道")
    VILLAGE = 5, _("村/社区")


# How many leading digits belong to a division of each level.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWN: 9,
    Level.VILLAGE: 12,
}
LEVEL_BY_PREFIX_LENGTH = {n: level for level, n in PREFIX_LENGTH.items()}


def full_code(prefix: str) -> str:
    """``340104005`` → ``340104005000``: the 12-digit form of a short code."""
    return prefix.ljust(CODE_LENGTH, "0")


def level_of(code: str) -> Level:
    """The level a 12-digit code stands for, read from its trailing zeros."""
    code = full_code(code)
    for level in (Level.VILLAGE, Level.TOWN, Level.COUNTY, Level.CITY):
        n = PREFIX_LENGTH[level]
        if code[n:] == "0" * (CODE_LENGTH - n) and code[PREFIX_LENGTH[level - 1] : n].strip("0"):
            return level
    return Level.PROVINCE


def prefix_of(code: str, level: int | None = None) -> str:
    level = level or level_of(code)
    return full_code(code)[: PREFIX_LENGTH[Level(level)]]


def parent_code(code: str, level: int | None = None) -> str | None:
    level = level or level_of(code)
    if level == Level.PROVINCE:
        return None
    return full_code(full_code(code)[: PREFIX_LENGTH[Level(level - 1)]])


def within(field: str, prefix: str) -> Q:
    """Rows whose 12-digit code in ``field`` lies under ``prefix``.

    Written as a range, not LIKE: every code is 12 digits, so the codes under a prefix
    are exactly those between prefix+000… and prefix+999…. A plain b-tree index serves
    that on SQLite and on PostgreSQL under any collation (no text_pattern_ops needed),
    which LIKE 'prefix%' cannot promise.
    """
    # gte/lte rather than __range: foreign-key columns (division_id) accept only these.
    return Q(**{f"{field}__gte": prefix.ljust(CODE_LENGTH, "0"), f"{field}__lte": prefix.ljust(CODE_LENGTH, "9")})


def within_any(field: str, prefixes: list[str]) -> Q:
    """Rows under any of ``prefixes``; nothing at all when the list is empty (deny by default)."""
    q = Q(pk__in=[])
    for prefix in collapse_prefixes(prefixes):
        q |= within(field, prefix)
    return q


def collapse_prefixes(prefixes) -> list[str]:
    """Drop prefixes already covered by a shorter one, so queries stay small."""
    kept: list[str] = []
    for p in sorted(set(prefixes), key=len):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept
