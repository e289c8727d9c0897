"""The demo registry is written as plain rows: what it stores must be what the app stores."""

import pytest

from wushe.core.divisions import within
from wushe.core.pii import hash_lookup, mask_id_number, mask_mobile
from wushe.people.demo import seed
from wushe.people.models import Household, Need, Resident, Visit

pytestmark = pytest.mark.django_db


def test_demo_residents_read_back_as_the_app_would_have_stored_them(net):
    made = seed(seed_value=7, sizes={"340104005": (30, 40)})

    residents = list(Resident.objects.filter(within("community_id", "340104005")))
    assert made == len(residents) >= 30
    with_id = [r for r in residents if r.id_number]
    assert with_id, "most demo residents have consent and an ID number"
    for r in with_id:
        plain = r.id_number.reveal()
        assert r.id_number_hash == hash_lookup("id_number", plain)
        assert (r.id_number_masked, r.id_suffix) == (mask_id_number(plain), plain[-4:])
        assert r.birth_date.strftime("%Y%m%d") == plain[6:14]
        r.full_clean()  # the model's own rules hold for every generated file
    for r in residents:
        if r.mobile:
            assert r.mobile_hash == hash_lookup("mobile", r.mobile.reveal())
            assert r.mobile_masked == mask_mobile(r.mobile.reveal())
    # Households stay in one community; visits and needs hang on their residents.
    households = Household.objects.filter(members__isnull=False).distinct()
    assert households.exists()
    assert all({m.community_id for m in h.members.all()} == {h.community_id} for h in households)
    assert all(v.resident.community_id == v.community_id for v in Visit.objects.select_related("resident"))
    assert all(n.visit.resident_id == n.resident_id for n in Need.objects.select_related("visit"))
    # Small communities get a first version in the change history.
    assert Resident.history.filter(history_type="+").count() == made

    assert seed(seed_value=7, sizes={"340104005": (30, 40)}) == 0  # a re-run adds nothing
    later = Resident.objects.create(station=net.station_a, community=net.community_a1, name="后来者")
    assert later.pk > max(r.pk for r in residents)  # the sequence follows the rows written
