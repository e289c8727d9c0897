import pytest

from tests.factories import Network


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    # Argon2 is the production hasher; tests hash hundreds of passwords, so use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WUSHE_DEMO = False
    # Background tasks run at once, in the test's own process (the worker is not running).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # whitenoise's manifest is not built for tests; plain storage serves from finders.
    # One process, a fresh cache per test: rate limits counted by one test do not reach the next.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test"}}
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of a test stay with the test
    from django.core.cache import cache

    cache.clear()
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def net(db):
    return Network()


@pytest.fixture
def people(net):
    return net.users()


@pytest.fixture
def login(client):
    """Sign a user in through the session, with the second factor marked done."""

    def _login(user, *, verified=True):
        client.force_login(user)
        if verified:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return _login
