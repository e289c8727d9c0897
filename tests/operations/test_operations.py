"""A station's plans and rules: tasks within the plan's period and completed with a result;
rules revised into new versions while every earlier version stays readable."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from wushe.operations import services
from wushe.operations.models import Plan

pytestmark = pytest.mark.django_db


def _plan(net, people):
    today = timezone.localdate()
    return services.plan_save(actor=people["worker"], station=net.station_a, data={
        "kind": Plan.Kind.WEEKLY, "title": "第48周工作计划", "starts_on": today,
        "ends_on": today + datetime.timedelta(days=6)})


def test_tasks_fall_in_the_plan_and_are_done_with_a_result(net, people, login):
    plan = _plan(net, people)
    with pytest.raises(ValidationError) as outside:
        services.task_add(actor=people["worker"], plan=plan, data={
            "what": "x", "owner": "社工", "due_on": plan.ends_on + datetime.timedelta(days=1)})
    assert "due_on" in outside.value.message_dict
    task = services.task_add(actor=people["worker"], plan=plan, data={
        "what": "走访独居老人", "owner": "刘社工", "due_on": plan.starts_on})
    with pytest.raises(ValidationError, match="完成情况"):
        services.task_done(actor=people["worker"], task=task, result=" ")
    services.task_done(actor=people["worker"], task=task, result="走访12户")
    page = login(people["worker"]).get(f"/operations/plans/{plan.pk}/").content.decode()
    assert "走访12户" in page and "1/1" in page
    with pytest.raises(Http404):
        services.task_add(actor=people["worker_b"], plan=plan, data={"what": "x", "owner": "x", "due_on": plan.starts_on})
    assert login(people["worker_b"]).get(f"/operations/plans/{plan.pk}/").status_code == 404


def test_a_rule_is_revised_and_every_version_stays(net, people, login):
    today = timezone.localdate()
    document = services.document_create(actor=people["worker"], station=net.station_a, kind="confidentiality",
                                        title="保密制度", text="第一条 个人信息不得外传。", effective_on=today)
    with pytest.raises(ValidationError) as same_name:
        services.document_create(actor=people["worker"], station=net.station_a, kind="other", title="保密制度",
                                 text="x", effective_on=today)
    assert "title" in same_name.value.message_dict
    with pytest.raises(ValidationError, match="修订了什么"):
        services.version_add(actor=people["worker"], document=document, text="新的", effective_on=today)
    with pytest.raises(ValidationError, match="没有变化"):
        services.version_add(actor=people["worker"], document=document, text="第一条 个人信息不得外传。",
                             effective_on=today, change_note="无")
    services.version_add(actor=people["worker"], document=document, text="第一条 个人信息不得外传。\n第二条 查阅留痕。",
                         effective_on=today, change_note="增加第二条")
    client = login(people["worker"])
    current = client.get(f"/operations/documents/{document.pk}/").content.decode()
    assert "第二条" in current and "现行" in current
    first = client.get(f"/operations/documents/{document.pk}/?v=1").content.decode()
    assert "第二条 查阅留痕" not in first and "历史版本" in first
