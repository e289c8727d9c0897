"""wushe settings: one module, everything deployment-specific from the environment.

Variables (see README):
  DATABASE_URL        default sqlite:///var/wushe.sqlite3 (WAL mode)
  WUSHE_SECRET_KEY    Django's signing key; falls back to var/secret.key
  WUSHE_DATA_KEY      Fernet key(s) for personal data, comma separated, newest first;
                      falls back to var/data.key
  WUSHE_DEBUG         "1" turns debug on (never in production)
  WUSHE_ALLOWED_HOSTS comma separated, default localhost names
  WUSHE_IDLE_TIMEOUT_MINUTES   default 30
  WUSHE_PASSWORD_EXPIRY_DAYS   default 90 (0 = never)
  WUSHE_REVEALS_PER_HOUR       full ID/phone numbers one user may reveal per hour, default 30
  WUSHE_DEMO          "1" on demo installs: demo accounts need no second factor
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WUSHE_VAR_DIR", BASE_DIR / "var"))


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _secret(env_name: str, file_name: str) -> str:
    """Read a secret from the environment, else from var/<file> written by `make keys`."""
    value = os.environ.get(env_name, "").strip()
    if value:
        return value
    path = VAR_DIR / file_name
    if path.exists():
        return path.read_text().strip()
    raise ImproperlyConfigured(
        f"缺少 {env_name}：请设置该环境变量，或运行 `make keys` 在 {path} 生成密钥。"
        f" (missing {env_name}: set it or run `make keys`)"
    )


DEBUG = _flag("WUSHE_DEBUG")
SECRET_KEY = _secret("WUSHE_SECRET_KEY", "secret.key")
DATA_KEYS = [k.strip() for k in _secret("WUSHE_DATA_KEY", "data.key").split(",") if k.strip()]
WUSHE_DEMO = _flag("WUSHE_DEMO")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("WUSHE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("WUSHE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs from its own static files (no CDN)
    "django_htmx",
    "template_partials",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "wushe.core",
    "wushe.accounts",
    "wushe.people",
    "wushe.casework",
    "wushe.groupwork",
    "wushe.supervision",
    "wushe.activities",
    "wushe.portal",
    "wushe.volunteers",
    "wushe.deliberation",
    "wushe.organizations",
    "wushe.charity",
    "wushe.projects",
    "wushe.workforce",
    "wushe.operations",
    "wushe.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wushe.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wushe.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wushe.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it sees the resolved view: refuses any view not marked with its access rule.
    "wushe.core.access.AccessGuardMiddleware",
]

ROOT_URLCONF = "wushe.urls"
WSGI_APPLICATION = "wushe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wushe" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wushe.core.context_processors.shell",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wushe.sqlite3'}"),
        conn_max_age=int(os.environ.get("WUSHE_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
        # at BEGIN so two writers wait (busy timeout) instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server: psycopg then prepares a statement run five times on a
    # connection, and PostgreSQL plans it once instead of at every run (a QR sign-in's dozen
    # small statements spent more time being planned than being run). WUSHE_DB_PREPARED=0 for a
    # connection pooler that cannot keep prepared statements (PgBouncer before 1.21).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5 if os.environ.get("WUSHE_DB_PREPARED", "1") == "1" else None}
# A PostgreSQL read replica for the dashboard and reports (docs/operations-stats.md).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60,
                                                 conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["wushe.stats.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------
# The public forms' rate limits and the reveal limit count in the cache, so every worker
# process (and every app server) must share it: Redis when WUSHE_CACHE_URL names one
# (redis://127.0.0.1:6379/1), else files under var/cache, shared by the workers of one host.
_CACHE_URL = os.environ.get("WUSHE_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL,
                "KEY_PREFIX": "wushe"}
    if _CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache"),
          "OPTIONS": {"MAX_ENTRIES": 100_000}}
}

# --- accounts and sign-in security --------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wushe.accounts.backends.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "wushe.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "wushe.accounts.passwords.CharacterClassValidator"},
    {"NAME": "wushe.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "wushe.accounts.passwords.HistoryValidator", "OPTIONS": {"remember": 5}},
]
WUSHE_PASSWORD_EXPIRY_DAYS = int(os.environ.get("WUSHE_PASSWORD_EXPIRY_DAYS", "90"))
WUSHE_REVEALS_PER_HOUR = int(os.environ.get("WUSHE_REVEALS_PER_HOUR", "30"))
WUSHE_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("WUSHE_IDLE_TIMEOUT_MINUTES", "30")))
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Production behind HTTPS: WUSHE_HTTPS=1 turns on secure cookies, HSTS and the redirect.
# Behind a reverse proxy that terminates TLS, also set WUSHE_BEHIND_PROXY=1 so Django
# trusts its X-Forwarded-Proto (and the audit log its X-Forwarded-For).
WUSHE_HTTPS = _flag("WUSHE_HTTPS")
WUSHE_BEHIND_PROXY = _flag("WUSHE_BEHIND_PROXY")
SESSION_COOKIE_SECURE = WUSHE_HTTPS or _flag("WUSHE_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = WUSHE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if WUSHE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = WUSHE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if WUSHE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# The account is locked whatever address the attempts come from (the policy is per account).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Count failures per account, however the login was typed (username or any spelling of
# the mobile number), so a locked account stays locked.
AXES_USERNAME_CALLABLE = "wushe.accounts.backends.account_key"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

OTP_TOTP_ISSUER = "wushe 五社"

# --- i18n -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "wushe" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
FORMAT_MODULE_PATH = ["wushe.formats"]

# --- static files: front-end packages from npm, copied in by `make assets` -------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "wushe" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# --- UI libraries -----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover align-middle"}

# --- security headers -------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- background tasks: `wushe db_worker` runs them (make demo starts one) -----------
TASKS = {"default": {"BACKEND": os.environ.get("WUSHE_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- API ----------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- audit --------------------------------------------------------------------------
# Audit entries are never deleted by the platform (the law asks for at least 6 months).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WUSHE_LOG_LEVEL", "WARNING")},
}
