"""Reads for the dashboard go to a read replica when one is configured; writes and migrations
never do. ``wushe rebuild_rollups`` writes the rollups from the records."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from wushe.activities.models import Activity
from wushe.stats import replica
from wushe.stats.models import DayRollup


def test_reads_use_the_replica_only_when_there_is_one(settings, monkeypatch):
    assert replica.alias() == "default"
    assert replica.reading(Activity).db == "default"
    # As settings.py configures it from DATABASE_REPLICA_URL (no connection is opened here).
    monkeypatch.setattr(replica, "settings", SimpleNamespace(DATABASES={**settings.DATABASES, "replica": {}}))
    assert replica.alias() == "replica"
    assert replica.reading(Activity.objects.filter(pk=1)).db == "replica"
    router = replica.ReplicaRouter()
    assert router.db_for_write(DayRollup) == "default" and router.db_for_read(DayRollup) == "default"
    assert not router.allow_migrate("replica", "stats") and router.allow_migrate("default", "stats")


@pytest.mark.django_db
def test_the_rebuild_command_reports_what_it_wrote(net, people):
    from tests.stats.test_pages import _activity

    _activity(net, people, sign_ins=2)
    DayRollup.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "已重建" in out.getvalue()
    assert DayRollup.objects.filter(key="attendances", grain="s").get().value == 2
    # … and its sums for the street and the county.
    assert set(DayRollup.objects.filter(key="attendances").values_list("grain", "division", "value")) == {
        ("s", net.street_a.code, 2), ("t", net.street_a.code, 2), ("c", net.county.code, 2)}
    call_command("rebuild_rollups", "--indicator", "activities", stdout=io.StringIO())
    assert DayRollup.objects.filter(key="attendances").exists()
