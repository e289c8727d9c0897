"""Deny by default: every page states its access rule, or the guard refuses it and audits."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

import wushe.urls
from wushe.accounts.roles import Action
from wushe.accounts.scope import may
from wushe.core.access import PUBLIC, SIGNED_IN, rule_of
from wushe.core.models import AuditEntry

# --- a test-local URL conf: the real one plus a view somebody forgot to mark -----------------


def unmarked_view(request):
    return HttpResponse("secret payroll")


urlpatterns = [path("unmarked/", unmarked_view, name="unmarked"), *wushe.urls.urlpatterns]
WITH_UNMARKED = override_settings(ROOT_URLCONF=__name__)

# Routes served by django-ninja: the middleware lets them through; TokenAuth guards them.
API_PREFIX = "api/"
API_OPEN = {"api:token", "api:openapi-json", "api:openapi-view", "api:api-root"}


def all_routes(patterns=None, prefix="", namespace=""):
    """(route, name, callback, kwarg names) for every URL pattern; names carry their namespaces."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from all_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name])) if p.name else None
            yield prefix + str(p.pattern), name, p.callback, tuple(p.pattern.regex.groupindex)


def dummy_url(name: str, kwarg_names) -> str:
    return reverse(name, kwargs={k: "340104005000" if k == "code" else 1 for k in kwarg_names})


ROUTES = list(all_routes())
PAGE_ROUTES = [r for r in ROUTES if not r[0].startswith(API_PREFIX)]
API_ROUTES = [r for r in ROUTES if r[0].startswith(API_PREFIX)]
PROTECTED_PAGES = [r for r in PAGE_ROUTES if rule_of(r[2]) != PUBLIC]


def test_the_url_conf_is_what_the_tests_walk():
    assert len(PAGE_ROUTES) >= 25
    assert {"api:stations", "api:station", "api:divisions", "api:division"} <= {r[1] for r in API_ROUTES}


def test_every_route_has_a_name():
    assert all(name for _r, name, _cb, _kw in ROUTES)


@pytest.mark.parametrize(("route", "name", "callback", "kwargs"), PAGE_ROUTES,
                         ids=[r[0] or "/" for r in PAGE_ROUTES])
def test_every_page_has_an_access_rule(route, name, callback, kwargs):
    rule = rule_of(callback)
    assert rule is not None, f"{route} ({name}) has no @public/@signed_in/@requires mark"
    assert rule in {PUBLIC, SIGNED_IN} | set(Action.values), rule


def test_public_pages_are_exactly_these():
    public = {n for _r, n, cb, _kw in PAGE_ROUTES if rule_of(cb) == PUBLIC}
    # The phone pages behind QR codes are public by design; they show no personal data
    # (tests/activities) and find their object only by an unguessable token or signed key.
    assert public == {"healthz", "set_language", "accounts:login", "activities_public:public",
                      "activities_public:station", "portal_public:request_new", "portal_public:track",
                      "deliberation_public:board", "deliberation_public:propose", "volunteers_public:station",
                      "volunteers_public:project", "volunteers_public:shift", "volunteers_public:me",
                      "volunteers_public:my_proof", "charity_public:fund"}


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "callback", "kwargs"), API_ROUTES, ids=[r[0] for r in API_ROUTES])
def test_api_routes_need_a_token(client, route, name, callback, kwargs):
    url = dummy_url(name, kwargs)
    status = client.get(url).status_code
    if status == 405:  # a POST route
        status = client.post(url, {}, content_type="application/json").status_code
    if name in API_OPEN:
        assert status != 401
    else:
        assert status == 401, f"{route} answered {status} without a token"


# --- the guard at work ----------------------------------------------------------------------


@WITH_UNMARKED
def test_unmarked_view_is_refused_and_audited(people, login):
    response = login(people["civil"]).get("/unmarked/")
    assert response.status_code == 403
    assert "secret payroll" not in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert entry.actor == people["civil"]
    assert entry.detail == {"path": "/unmarked/", "reason": "view not marked"}


@WITH_UNMARKED
@pytest.mark.django_db
def test_unmarked_view_is_refused_for_anonymous_too(client):
    response = client.get("/unmarked/")
    assert response.status_code == 403
    assert "secret payroll" not in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert entry.actor is None
    assert entry.detail["path"] == "/unmarked/"


@WITH_UNMARKED
def test_marked_views_still_work_under_the_test_url_conf(people, login):
    assert login(people["worker"]).get("/stations/").status_code == 200


def test_missing_action_is_refused_and_audited(people, login):
    response = login(people["worker"]).get("/audit/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert entry.actor == people["worker"]
    assert entry.detail == {"path": "/audit/", "needs": "audit.view"}


def test_anonymous_is_sent_to_sign_in(client, net):
    response = client.get("/stations/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/stations/"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "callback", "kwargs"), PROTECTED_PAGES,
                         ids=[r[0] or "/" for r in PROTECTED_PAGES])
def test_every_non_public_page_sends_anonymous_to_sign_in(client, route, name, callback, kwargs):
    url = dummy_url(name, kwargs)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (method.__name__, url, response.status_code)
        assert response["Location"].startswith("/accounts/login/?next=")
    assert not AuditEntry.objects.exclude(action=AuditEntry.Action.DENIED).exists()


@pytest.mark.django_db
def test_healthz_is_public(client):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_login_page_is_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


@pytest.mark.django_db
def test_language_switch_is_public(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302


def test_pending_second_factor_comes_first(people, login):
    response = login(people["civil"], verified=False).get("/stations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/")


def test_api_works_when_served_under_a_sub_path(client, people):
    # Regression: the guard compared request.path (which includes SCRIPT_NAME) with "/api/".
    from wushe.accounts.services import api_token_issue

    key, _tok = api_token_issue(user=people["civil"])
    response = client.get("/api/v1/stations", SCRIPT_NAME="/wushe", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).exists()


def test_pages_work_when_served_under_a_sub_path(people, login):
    """The contrast to the test above: pages resolve by path_info and pass the guard."""
    assert login(people["civil"]).get("/stations/", SCRIPT_NAME="/wushe").status_code == 200


# --- menus follow the same rule ------------------------------------------------------------------


def menu_links(client) -> set[str]:
    html = client.get("/").content.decode()
    return {u for u in ("/accounts/users/", "/audit/", "/stations/", "/divisions/") if f'href="{u}"' in html}


def test_worker_menu_has_no_accounts_or_audit(people, login):
    assert menu_links(login(people["worker"])) == {"/stations/", "/divisions/"}


def test_head_menu_has_accounts_and_audit(people, login):
    assert menu_links(login(people["head"])) == {"/accounts/users/", "/audit/", "/stations/", "/divisions/"}


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "civil", "street", "supervisor",
                                 "org_lead", "volunteer"])
def test_menu_matches_the_guard(people, login, who):
    u = people[who]
    client = login(u)
    expected = {url for url, action in (("/accounts/users/", Action.USER_VIEW), ("/audit/", Action.AUDIT_VIEW),
                                        ("/stations/", Action.NETWORK_VIEW), ("/divisions/", Action.NETWORK_VIEW))
                if may(u, action)}
    assert menu_links(client) == expected
    for url in {"/accounts/users/", "/audit/", "/stations/"} - expected:
        assert client.get(url).status_code == 403, url
