"""Needs surveys: a station asks, staff enter answers, answers that ask for help raise needs."""

import pytest
from django.core.exceptions import ValidationError

from tests.people import factories
from wushe.people import selectors, services
from wushe.people.models import Need

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"text": "是否需要助餐服务", "kind": "single", "options": "需要\n不需要", "need_option": "需要",
     "need_category": Need.Category.CARE},
    {"text": "希望参加哪些活动", "kind": "multiple", "options": "健康讲座\n手工\n广场舞", "need_option": "",
     "need_category": ""},
    {"text": "其他意见", "kind": "text", "options": "", "need_option": "", "need_category": ""},
]


@pytest.fixture
def survey(people, net):
    return services.survey_create(actor=people["worker"], station=net.station_a, title="助餐需求调查", intro="",
                                  questions=QUESTIONS)


def test_a_choice_question_needs_two_options(people, net):
    with pytest.raises(ValidationError, match="第 1 题"):
        services.survey_create(actor=people["worker"], station=net.station_a, title="x", intro="",
                               questions=[{"text": "只有一个选项", "kind": "single", "options": "是"}])


def test_answers_are_summarised_and_help_raises_a_need(people, net, survey, login):
    wang = factories.resident("王大爷", station=net.station_a, community=net.community_a1)
    q1, q2, q3 = survey.questions.all()
    client = login(people["worker"])
    response = client.post(f"/people/surveys/{survey.pk}/respond/", {
        "resident": wang.pk, f"q{q1.pk}": "需要", f"q{q2.pk}": ["健康讲座", "手工"], f"q{q3.pk}": "希望多办活动"})
    assert response.status_code == 302
    client.post(f"/people/surveys/{survey.pk}/respond/", {
        "community": net.community_a1.code, f"q{q1.pk}": "不需要", f"q{q2.pk}": ["手工"]})
    need = Need.objects.get()
    assert (need.resident, need.source, need.category) == (wang, "survey", Need.Category.CARE)
    total, summaries = selectors.survey_summary(survey=survey)
    assert total == 2
    assert summaries[0].counts[0][:2] == ("需要", 1)
    assert dict((o, n) for o, n, _p in summaries[1].counts) == {"健康讲座": 1, "手工": 2, "广场舞": 0}
    assert summaries[2].texts == ["希望多办活动"]
    page = client.get(f"/people/surveys/{survey.pk}/").content.decode()
    assert "共 2 份答卷" in page and "希望多办活动" in page


def test_an_unanswered_choice_is_refused(people, net, survey):
    q1 = survey.questions.first()
    with pytest.raises(ValidationError):
        services.survey_respond(actor=people["worker"], survey=survey, community=net.community_a1,
                                answers={q1.pk: ""})


def test_an_option_not_offered_is_refused(people, net, survey):
    q1, q2, _q3 = survey.questions.all()
    with pytest.raises(ValidationError, match="不是第 1 题的选项"):
        services.survey_respond(actor=people["worker"], survey=survey, community=net.community_a1,
                                answers={q1.pk: "也许", q2.pk: ["手工"]})


def test_surveys_are_scoped(people, survey, login):
    assert login(people["worker_b"]).get(f"/people/surveys/{survey.pk}/").status_code == 404
    assert survey not in selectors.survey_list(user=people["worker_b"])


def test_creating_a_survey_through_the_page(people, net, login):
    client = login(people["worker"])
    data = {"station": net.station_a.pk, "title": "邻里需求", "intro": "",
            "q-TOTAL_FORMS": "2", "q-INITIAL_FORMS": "0", "q-MIN_NUM_FORMS": "0", "q-MAX_NUM_FORMS": "30",
            "q-0-text": "是否独居", "q-0-kind": "single", "q-0-options": "是\n否", "q-0-need_option": "是",
            "q-0-need_category": "comfort", "q-1-text": "", "q-1-kind": "single"}
    response = client.post("/people/surveys/new/", data)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_the_answer_page_finds_a_resident_by_search_and_keeps_to_the_station(people, net, survey, login):
    wang = factories.resident("王大爷", station=net.station_a, community=net.community_a1)
    other = factories.resident("王小二", station=net.station_b, community=net.community_b1)
    client = login(people["worker"])

    found = client.get(f"/people/surveys/{survey.pk}/respond/", {"q": "王"}).content.decode()
    assert f"?resident={wang.pk}" in found and "王小二" not in found
    picked = client.get(f"/people/surveys/{survey.pk}/respond/", {"resident": wang.pk}).content.decode()
    assert "王大爷" in picked and f'name="resident" value="{wang.pk}"' in picked
    # Another station's resident can be neither picked nor answered for.
    assert "王小二" not in client.get(f"/people/surveys/{survey.pk}/respond/",
                                     {"resident": other.pk}).content.decode()
    q1 = survey.questions.first()
    response = client.post(f"/people/surveys/{survey.pk}/respond/", {"resident": other.pk, f"q{q1.pk}": "需要"})
    assert response.status_code == 200 and not survey.responses.exists()
    assert "所选服务对象不在本站点" in response.content.decode()
