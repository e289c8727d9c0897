"""Referrals (转介): consent, the receiving station's answer, a case on the receiving side."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from pypdf import PdfReader

from tests.casework.factories import open_case, to_stage, today
from tests.factories import user
from tests.people import factories as people_factories
from wushe.accounts.roles import Role
from wushe.casework import access, selectors, services
from wushe.casework.models import Case, Referral
from wushe.core.models import AuditEntry
from wushe.people import selectors as people_selectors
from wushe.people import services as people_services
from wushe.people.models import Need

pytestmark = pytest.mark.django_db


def _data(net, **over):
    return {"to_station": net.station_b, "reason": "服务对象已搬到三里庵居住", "shared_info": "基本情况与已开展服务",
            "consent": "agreed", **over}


@pytest.fixture
def case(net, people):
    return to_stage(open_case(net, people), Case.Stage.INTERVENTION, people)


def test_a_referral_to_another_station_is_accepted_and_becomes_a_case_there(net, people, case, login):
    referral = services.referral_create(actor=people["worker"], resident=case.resident, case=case, data=_data(net))
    assert (referral.status, referral.from_station, referral.destination) == ("pending", net.station_a,
                                                                             net.station_b.name)
    # Before accepting, the receiving station cannot read the file.
    with pytest.raises(Http404):
        people_selectors.resident_get_for_reading(user=people["worker_b"], pk=case.resident_id)
    assert selectors.referrals_waiting(user=people["worker_b"]) == 1
    services.referral_respond(actor=people["worker_b"], referral=referral, accept=True)
    resident, shared = people_selectors.resident_get_for_reading(user=people["worker_b"], pk=case.resident_id)
    assert shared
    client = login(people["worker_b"])
    form = client.get("/cases/new/", {"referral": referral.pk}).content.decode()
    assert case.resident.name in form and "服务对象已搬到三里庵居住" in form
    client.post("/cases/new/", {"resident": resident.pk, "referral": referral.pk, "source": "self",
                                "presenting_problem": "延续原站服务", "urgency": "normal", "risk": "low",
                                "opened_on": today().isoformat()})
    received = Case.objects.get(station=net.station_b)
    assert received.source == "referral" and Referral.objects.get().received_case == received
    assert access.may_read(people["worker_b"], received)
    # The referral cannot open a second case.
    with pytest.raises(ValidationError):
        services.case_open(actor=people["worker_b"], resident=resident, referral=Referral.objects.get(), data={
            "source": "referral", "presenting_problem": "x"})


def test_declining_needs_a_reason_and_only_the_receiving_station_answers(net, people, case):
    referral = services.referral_create(actor=people["worker"], resident=case.resident, case=case, data=_data(net))
    with pytest.raises(PermissionDenied):
        services.referral_respond(actor=people["worker"], referral=referral, accept=True)
    with pytest.raises(ValidationError, match="原因"):
        services.referral_respond(actor=people["worker_b"], referral=referral, accept=False)
    services.referral_respond(actor=people["worker_b"], referral=referral, accept=False, note="超出本站服务范围")
    with pytest.raises(ValidationError, match="处理过"):
        services.referral_respond(actor=people["worker_b"], referral=referral, accept=True)
    assert not people_selectors.shared_with(user=people["worker_b"]).exists()


def test_a_refusal_blocks_the_referral_unless_a_manager_overrides(net, people, case):
    with pytest.raises(ValidationError, match="不同意转介时不能转介"):
        services.referral_create(actor=people["worker"], resident=case.resident, case=case,
                                 data=_data(net, consent="refused"))
    with pytest.raises(ValidationError, match="只有站长"):
        services.referral_create(actor=people["worker"], resident=case.resident, case=case,
                                 data=_data(net, consent="refused", override_reason="存在家暴风险"))
    case.team.add(people["head"])
    referral = services.referral_create(actor=people["head"], resident=case.resident, case=case,
                                        data=_data(net, consent="refused", override_reason="存在家暴风险，需紧急庇护"))
    assert referral.overridden_by == people["head"]
    entry = AuditEntry.objects.get(object_type="casework.referral")
    assert entry.detail["consent_overridden"] is True


def test_an_outside_agency_gets_an_outcome_recorded(net, people, case):
    with pytest.raises(ValidationError, match="二选一"):
        services.referral_create(actor=people["worker"], resident=case.resident, case=case,
                                 data=_data(net, to_agency="区残联"))
    referral = services.referral_create(actor=people["worker"], resident=case.resident, case=case,
                                        data=_data(net, to_station=None, to_agency="蜀山区残联", to_kind="disability"))
    assert referral.status == "sent"
    services.referral_outcome(actor=people["worker"], referral=referral, outcome="已办理残疾人康复辅具适配")
    assert Referral.objects.get().status == "done"


def test_a_need_can_be_referred_by_the_stations_workers(net, people):
    resident = people_factories.resident("张三", station=net.station_a)
    need = people_services.need_create(actor=people["worker"], data={
        "resident": resident, "category": Need.Category.LEGAL, "description": "遗产纠纷需法律援助",
        "source": Need.Source.HOTLINE})
    referral = services.referral_create(actor=people["worker"], resident=resident, need=need, data=_data(
        net, to_station=None, to_agency="西园司法所", to_kind="justice"))
    assert referral.need == need and referral.from_station == net.station_a


def test_a_colleague_who_may_not_read_the_case_does_not_read_its_referral(net, people, case, login):
    referral = services.referral_create(actor=people["worker"], resident=case.resident, case=case, data=_data(net))
    colleague = user("t_tongshi", Role.WORKER, station=net.station_a)
    with pytest.raises(Http404):
        selectors.referral_get(user=colleague, pk=referral.pk)
    assert login(people["worker_other"]).get(f"/cases/referrals/{referral.pk}/").status_code == 404
    page = login(people["worker_b"]).get(f"/cases/referrals/{referral.pk}/").content.decode()
    assert "服务对象已搬到三里庵居住" in page and "接收" in page


def test_the_pages_send_and_print_a_referral(net, people, case, login):
    client = login(people["worker"])
    form = client.get("/cases/referrals/new/", {"case": case.pk}).content.decode()
    assert net.station_b.name in form
    response = client.post("/cases/referrals/new/", {
        "case": case.pk, "to_station": net.station_b.pk, "reason": "搬家", "shared_info": "基本情况",
        "consent": "agreed", "consent_on": today().isoformat()})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/referrals/{referral.pk}/"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(f"/cases/referrals/{referral.pk}/form.pdf").content)).pages)
    assert "转介表" in text and net.station_b.name in text and "搬家" in text
    assert "转介" in client.get("/cases/referrals/", {"direction": "out"}).content.decode()
    blank = client.get("/cases/forms/referral/blank.pdf")
    assert blank.status_code == 200
