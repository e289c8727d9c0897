"""One person, one file: likely duplicates are merged, and files move between stations
only when the keeping station agrees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.people import factories
from wushe.core.models import AuditEntry
from wushe.people import selectors, services
from wushe.people.models import Need, Resident, TransferRequest, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(net, people):
    """The same 王大爷 registered twice: once with his ID, once (by phone) without."""
    number = factories.id_number()
    phone = factories.mobile()
    first = factories.resident("王大爷", station=net.station_a, community=net.community_a1, id_number=number)
    second = factories.resident("王大爷", station=net.station_a, community=net.community_a1, mobile=phone,
                                address="西园路 8 号")
    Resident.objects.filter(pk=second.pk).update(birth_date=first.birth_date)
    services.need_create(actor=people["worker"], data={"resident": second, "category": Need.Category.CARE,
                                                       "description": "助餐", "source": Need.Source.HOTLINE})
    return first, Resident.objects.get(pk=second.pk), number, phone


def test_same_name_and_birth_date_are_listed_as_likely_duplicates(people, twins):
    groups = selectors.likely_duplicates(user=people["worker"])
    assert any({r.pk for r in g.residents} == {twins[0].pk, twins[1].pk} for g in groups)


def test_duplicates_are_scoped(people, twins):
    assert selectors.likely_duplicates(user=people["worker_b"]) == []


def test_merge_keeps_everything_of_both(people, twins, login):
    keep, other, number, phone = twins
    response = login(people["head"]).post(f"/people/{keep.pk}/merge/{other.pk}/")
    assert response.status_code == 302
    keep.refresh_from_db()
    assert not Resident.objects.filter(pk=other.pk).exists()
    assert keep.id_number == number and keep.mobile == phone and keep.address == "西园路 8 号"
    assert Need.objects.filter(resident=keep).count() == 1
    assert other.history.model.objects.filter(id=other.pk).exists(), "the duplicate's history stays"
    assert AuditEntry.objects.filter(action="changed", object_id=str(keep.pk), detail__merged=other.pk).exists()


def test_merge_moves_the_id_number_when_only_the_duplicate_has_it(people, twins):
    with_id, without_id, number, _phone = twins
    services.resident_merge(actor=people["head"], keep=without_id, other=with_id)
    without_id.refresh_from_db()
    assert without_id.id_number == number
    assert Resident.objects.filter(id_number_hash=without_id.id_number_hash).count() == 1


def test_two_different_id_numbers_are_never_merged(people, net):
    a = factories.resident("李四", station=net.station_a, community=net.community_a1, id_number=factories.id_number())
    b = factories.resident("李四", station=net.station_a, community=net.community_a1,
                           id_number=factories.id_number(male=False))
    with pytest.raises(ValidationError, match="身份证号不同"):
        services.resident_merge(actor=people["head"], keep=a, other=b)


def test_merge_across_scopes_is_404(people, net, login, twins):
    outsider = factories.resident("王大爷", station=net.station_b, community=net.community_b1)
    response = login(people["head"]).post(f"/people/{twins[0].pk}/merge/{outsider.pk}/")
    assert response.status_code == 404
    assert Resident.objects.filter(pk=outsider.pk).exists()


# --- transfers ---------------------------------------------------------------------------------

@pytest.fixture
def moved(net):
    """Someone registered at 三里庵 who has moved to 西园."""
    number = factories.id_number()
    person = factories.resident("赵奶奶", station=net.station_b, community=net.community_b1, id_number=number)
    return person, number


def test_registering_someone_kept_elsewhere_points_to_a_transfer(people, net, moved):
    _person, number = moved
    with pytest.raises(services.RegisteredElsewhere) as caught:
        factories.resident("赵奶奶", station=net.station_a, community=net.community_a1, id_number=number,
                           actor=people["worker"])
    assert "/people/transfers/new/" in str(caught.value)


def test_a_transfer_request_reveals_nothing_and_the_keeper_decides(people, net, moved, login):
    person, number = moved
    asker = login(people["worker"])
    response = asker.post("/people/transfers/new/", {"kind": "transfer", "id_number": number,
                                                     "to_station": net.station_a.pk,
                                                     "to_community": net.community_a1.pk, "reason": "已迁入西园新村"})
    assert response.status_code == 302
    transfer = TransferRequest.objects.get()
    page = asker.get("/people/transfers/").content.decode()
    assert "赵奶奶" not in page and net.station_b.name not in page, "the asker sees only the status"

    from django.test import Client

    keeper = Client()
    keeper.force_login(factories.clerk(net.station_b))  # a 社工 of 三里庵: not a manager
    keeper.post(f"/people/transfers/{transfer.pk}/decide/", {"decision": "approve"})
    transfer.refresh_from_db()
    assert transfer.status == "pending"

    from tests.factories import user
    from wushe.accounts.roles import Role

    head_b = user("head_b", Role.HEAD, station=net.station_b)
    keeper.force_login(head_b)
    assert "赵奶奶" in keeper.get("/people/transfers/").content.decode()
    keeper.post(f"/people/transfers/{transfer.pk}/decide/", {"decision": "approve"})
    transfer.refresh_from_db()
    person.refresh_from_db()
    assert transfer.status == "approved"
    assert (person.station_id, person.community_id) == (net.station_a.pk, net.community_a1.code)
    assert asker.get(f"/people/{person.pk}/").status_code == 200, "the file now belongs to 西园"


def test_declining_needs_a_reason(people, net, moved):
    person, number = moved
    transfer = services.transfer_request(actor=people["worker"], id_number=number, to_station=net.station_a,
                                         to_community=net.community_a1, reason="已迁入")
    from tests.factories import user
    from wushe.accounts.roles import Role

    head_b = user("head_b2", Role.HEAD, station=net.station_b)
    with pytest.raises(ValidationError):
        services.transfer_decide(actor=head_b, transfer=transfer, approve=False)
    services.transfer_decide(actor=head_b, transfer=transfer, approve=False, note="仍在本社区居住")
    person.refresh_from_db()
    assert person.station_id == net.station_b.pk


def test_only_one_pending_request_per_station(people, net, moved):
    _person, number = moved
    args = {"actor": people["worker"], "id_number": number, "to_station": net.station_a,
            "to_community": net.community_a1, "reason": "已迁入"}
    services.transfer_request(**args)
    with pytest.raises(ValidationError, match="待处理"):
        services.transfer_request(**args)


def test_a_transfer_cannot_be_asked_for_a_file_already_in_scope(people, net):
    number = factories.id_number()
    factories.resident("钱大爷", station=net.station_a, community=net.community_a1, id_number=number)
    with pytest.raises(ValidationError, match="无需申请"):
        services.transfer_request(actor=people["worker"], id_number=number, to_station=net.station_a,
                                  to_community=net.community_a1, reason="x")


def test_an_unknown_id_suggests_registering(people, net):
    with pytest.raises(ValidationError, match="直接建档"):
        services.transfer_request(actor=people["worker"], id_number=factories.id_number(), to_station=net.station_a,
                                  to_community=net.community_a1, reason="x")


def test_outsiders_cannot_decide(people, net, moved):
    _person, number = moved
    transfer = services.transfer_request(actor=people["worker"], id_number=number, to_station=net.station_a,
                                         to_community=net.community_a1, reason="已迁入")
    with pytest.raises(PermissionDenied):
        services.transfer_decide(actor=people["head"], transfer=transfer, approve=True)
    assert Visit.objects.count() == 0


def test_a_shared_file_can_be_read_but_not_changed(people, net, moved, login):
    person, number = moved
    transfer = services.transfer_request(actor=people["worker"], id_number=number, to_station=net.station_a,
                                         to_community=net.community_a1, reason="两站共同服务", kind="share")
    from tests.factories import user
    from wushe.accounts.roles import Role

    head_b = user("head_b3", Role.HEAD, station=net.station_b)
    services.transfer_decide(actor=head_b, transfer=transfer, approve=True)
    person.refresh_from_db()
    assert person.station_id == net.station_b.pk, "sharing does not move the file"

    reader = login(people["worker"])
    page = reader.get(f"/people/{person.pk}/").content.decode()
    assert "赵奶奶" in page and "只读" in page
    assert f"/people/{person.pk}/edit/" not in page
    assert AuditEntry.objects.filter(action="viewed", object_id=str(person.pk), actor=people["worker"]).exists()
    assert "赵奶奶" in reader.get("/people/transfers/").content.decode()
    # Every write stays with the keeping station.
    assert reader.get(f"/people/{person.pk}/edit/").status_code == 404
    assert reader.post(f"/people/{person.pk}/visits/new/", {}).status_code == 404
    assert reader.post(f"/people/{person.pk}/reveal/id_number/").status_code == 404
    # A station it was not shared with still sees nothing.
    other = user("other_worker", Role.WORKER, station=net.other_station)
    reader.force_login(other)
    assert reader.get(f"/people/{person.pk}/").status_code == 404


def test_a_social_worker_cannot_merge(people, twins):
    with pytest.raises(PermissionDenied):
        services.resident_merge(actor=people["worker"], keep=twins[0], other=twins[1])


def test_files_of_different_names_and_phones_are_not_merged(people, net):
    a = factories.resident("甲", station=net.station_a, community=net.community_a1)
    b = factories.resident("乙", station=net.station_a, community=net.community_a2)
    with pytest.raises(ValidationError, match="不像同一个人"):
        services.resident_merge(actor=people["head"], keep=a, other=b)
    assert Resident.objects.filter(pk=b.pk).exists()


def test_needs_and_visits_follow_a_transferred_file(people, net, moved):
    person, number = moved
    from tests.factories import user
    from wushe.accounts.roles import Role
    from wushe.people.models import Visit as VisitModel

    keeper = factories.clerk(net.station_b)
    services.need_create(actor=keeper, data={"resident": person, "category": Need.Category.CARE,
                                             "description": "助餐", "source": Need.Source.HOTLINE})
    VisitModel.objects.create(resident=person, community_id=person.community_id, findings="独居")
    transfer = services.transfer_request(actor=people["worker"], id_number=number, to_station=net.station_a,
                                         to_community=net.community_a1, reason="已迁入")
    services.transfer_decide(actor=user("head_b9", Role.HEAD, station=net.station_b), transfer=transfer,
                             approve=True)
    assert selectors.need_list(user=keeper).count() == 0, "the old station no longer sees the needs"
    assert selectors.visit_list(user=keeper).count() == 0
    assert selectors.need_list(user=people["worker"]).filter(resident=person).count() == 1
    assert selectors.visit_list(user=people["worker"]).filter(resident=person).count() == 1
