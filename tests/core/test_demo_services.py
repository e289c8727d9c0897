"""A year of service records for the city demo, written as plain rows: they must read back
as records the app's own indicators count, and leave the tables usable afterwards."""

import pytest

from wushe.activities.models import Activity, SignIn
from wushe.core.demo_services import seed_service_records
from wushe.people.demo import seed as seed_people
from wushe.volunteers.models import ServiceHours, Volunteer

pytestmark = pytest.mark.django_db


def test_service_records_are_written_once_and_the_tables_go_on(net):
    seed_people(seed_value=7, sizes={"340104": (40, 60)})
    counts = seed_service_records(prefix="340104", total=3000, seed_value=7)

    assert counts["sign_ins"] == SignIn.objects.count() > 0
    assert counts["activities"] == Activity.objects.count() > 0
    assert counts["service_hours"] == ServiceHours.objects.count() > 0
    # Some activities are for a group (服务人群): the dashboard's by-group breakdown has parts.
    assert counts["activity_groups"] == Activity.target_tags.through.objects.count() > 0
    # A volunteer's number is made from the key the row was given.
    assert all(v.number == f"ZY{v.pk:010d}" for v in Volunteer.objects.all())
    # Sign-ins carry the resident's stored mobile: it decrypts and its hash finds them.
    sign_in = SignIn.objects.exclude(mobile="").first()
    assert sign_in.mobile.reveal().startswith("1") and len(sign_in.mobile_hash) == 64

    assert seed_service_records(prefix="340104", total=3000, seed_value=7) == {}  # a re-run adds nothing
    activity = Activity.objects.first()
    copy = Activity.objects.create(station=activity.station, title="后来的活动", starts_at=activity.starts_at,
                                   ends_at=activity.ends_at, capacity=activity.capacity,
                                   category=activity.category, created_by=activity.created_by)
    assert copy.pk > max(Activity.objects.exclude(pk=copy.pk).values_list("pk", flat=True))
