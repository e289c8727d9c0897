"""The scope matrix's statistics section (see tests/scope/__init__.py): reports are kept per
division, and a report of one street is another street's 404. The dashboard's own scope is a
query parameter (``?division=``), tested in tests/stats/test_scope.py."""

import datetime

from tests.scope import Route


def report(place, done: bool = False):
    """A year report of the place's street; ``done`` generates its files."""
    key = "report_done" if done else "report"
    if key not in place.extra:
        from wushe.stats.models import Report
        from wushe.stats.reports import generate

        today = datetime.date.today()
        made = Report.objects.create(division=place.station.division, kind="year",
                                     start=datetime.date(today.year, 1, 1), end=datetime.date(today.year, 12, 31),
                                     requested_by=place.member)
        if done:
            generate(made)
        place.extra[key] = made
    return place.extra[key]


ROUTES = {
    "stats:indicator": Route(lambda p: {"key": "activities"}, shared=True),
    "stats:report": Route(lambda p: {"pk": report(p).pk}),
    "stats:report_regenerate": Route(lambda p: {"pk": report(p).pk}, ("POST",), lambda p: {}),
    "stats:report_file": Route(lambda p: {"pk": report(p, done=True).pk, "kind": "xlsx"}),
}


def snapshot(place) -> tuple:
    from wushe.stats.models import Report

    return (sorted(Report.objects.filter(division=place.station.division).values_list("pk", "status", "created_at")),)
