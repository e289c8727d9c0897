from django.urls import include, path
from django.views.i18n import set_language

from wushe.activities import urls as activity_urls
from wushe.api.urls import api
from wushe.charity import urls as charity_urls
from wushe.core.access import public
from wushe.core.views import healthz
from wushe.deliberation import urls as deliberation_urls
from wushe.portal import urls as portal_urls
from wushe.volunteers import urls as volunteer_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("wushe.accounts.urls")),
    path("people/", include("wushe.people.urls")),
    path("cases/", include("wushe.casework.urls")),
    path("groups/", include("wushe.groupwork.urls")),
    path("supervision/", include("wushe.supervision.urls")),
    path("activities/", include("wushe.activities.urls")),
    path("p/", include((activity_urls.public_urlpatterns, "activities_public"))),
    path("p/", include((portal_urls.public_urlpatterns, "portal_public"))),
    path("p/", include((volunteer_urls.public_urlpatterns, "volunteers_public"))),
    path("p/", include((deliberation_urls.public_urlpatterns, "deliberation_public"))),
    path("requests/", include("wushe.portal.urls")),
    path("volunteers/", include("wushe.volunteers.urls")),
    path("deliberation/", include("wushe.deliberation.urls")),
    path("organizations/", include("wushe.organizations.urls")),
    path("charity/", include("wushe.charity.urls")),
    path("p/", include((charity_urls.public_urlpatterns, "charity_public"))),
    path("projects/", include("wushe.projects.urls")),
    path("workforce/", include("wushe.workforce.urls")),
    path("operations/", include("wushe.operations.urls")),
    path("stats/", include("wushe.stats.urls")),
    path("", include("wushe.core.urls")),
]
