"""Settings for canbao. Everything that differs between machines comes from the environment;
the README lists every variable with its default."""

import os
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from core.databases import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG=0 时必须设置 DJANGO_SECRET_KEY。")
    SECRET_KEY = "canbao-development-only-secret-key-not-for-production"

if not DEBUG and not os.environ.get("DJANGO_ALLOWED_HOSTS", "").strip():
    raise ImproperlyConfigured("DJANGO_DEBUG=0 时必须设置 DJANGO_ALLOWED_HOSTS。")
ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_celery_beat",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "core",
    "divisions",
    "accounts",
    "enrollment",
    "subsidies",
    "newborns",
    "targets",
    "uninsured",
    "reports",
    "bulk",
    "tax_payments",
    "national",
    "duplicates",
    "policy_changes",
    "outreach",
    "exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ProxiedClientAddressMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.NulCharacterMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.ExportRecordMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# DATABASE_POOL_MODE=transaction when the web processes reach PostgreSQL through PgBouncer in transaction mode
# (docs/scaling.md); the workers connect directly, since the job locks are session locks.
DATABASE_POOL_MODE = os.environ.get("DATABASE_POOL_MODE", "")
DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'canbao.sqlite3'}"), pool_mode=DATABASE_POOL_MODE
    )
}
# A streaming replica of the database (core.replica): the dashboards, reports, exports and simulations read from it.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"], pool_mode=DATABASE_POOL_MODE)
DATABASE_REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a login for a user locked out after repeated failures before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend (passwords, admin-assigned permissions) that also grants the user's role.
    "accounts.permissions.RolePermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (package.json) and are served from node_modules by name.
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's renderers, recording every answer that carries full ID numbers (个人信息保护法).
    "DEFAULT_RENDERER_CLASSES": ["accounts.renderers.JSONRenderer", "accounts.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATE_FORMAT": "%Y-%m-%d",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "参保通 API",
    "DESCRIPTION": "城乡居民基本医疗保险经办系统接口（v1）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The description of the API is for its users: signed in (session) or calling with a token, like the API itself.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Served from node_modules (package.json): bureau networks reach no CDN.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "ENUM_NAME_OVERRIDES": {
        "ResidentStatusEnum": "enrollment.models.ResidentStatus",
        "EnrollmentStatusEnum": "enrollment.models.EnrollmentStatus",
        "HardshipCategoryEnum": "subsidies.models.HardshipCategory",
        "ResidentGenderEnum": "enrollment.models.Gender",
        "BirthGenderEnum": "newborns.models.BirthGender",
        "PaymentChannelEnum": "enrollment.models.PaymentChannel",
        "RegistrationChannelEnum": "newborns.models.RegistrationChannel",
        "MedicalCodeStatusEnum": "newborns.rules.MEDICAL_CODE_STATUS_CHOICES",
        "PolicyDraftStatusEnum": "policy_changes.models.DraftStatus",
        "ImpactSimulationStatusEnum": "policy_changes.serializers.SIMULATION_STATUS_CHOICES",
    },
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker the tasks run in-process, so a fresh machine needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
# A request that queues a job gives up on an unreachable broker within seconds (core.jobs keeps the job for later).
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 2
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues by kind of work, each with workers of its own (docker-compose.yml, docs/scaling.md), so that a province-wide
# job never delays what a person at a page waits for: `window` (a roster export, the sweep of jobs waiting for the
# broker, and any task not named below), `bulk` (county files, duplicate scans, message sending, the enrollments'
# partitions of the coming years) and `reports` (progress, settlement, policy simulations).
CELERY_TASK_DEFAULT_QUEUE = "window"
CELERY_TASK_ROUTES = {
    "bulk.*": {"queue": "bulk"},
    "duplicates.*": {"queue": "bulk"},
    "enrollment.partitions_ensure": {"queue": "bulk"},
    "outreach.*": {"queue": "bulk"},
    "targets.*": {"queue": "reports"},
    "reports.fiscal_*": {"queue": "reports"},
    "policy_changes.*": {"queue": "reports"},
}
CELERY_WORK_QUEUES = ("window", "bulk", "reports")
# A progress refresh for a date whose job was asked for less than this long ago and is still queued or running
# shows that job instead of starting another aggregation over the province's enrollments. Older ones are taken for
# lost (a dead worker's job comes back only after the visibility timeout) and a new job starts.
PROGRESS_JOB_JOIN_MINUTES = int(os.environ.get("PROGRESS_JOB_JOIN_MINUTES", "30"))
# A running job whose worker has not recorded a heartbeat for this long is taken for gone (core.jobs): shown as
# 已中断, and its lock is taken over by the next delivery. Technical, not policy: the heartbeat comes every sixth of it.
JOB_HEARTBEAT_STALE_SECONDS = float(os.environ.get("JOB_HEARTBEAT_STALE_SECONDS", "30"))
# A bulk import that wrote at least this many rows refreshes PostgreSQL's statistics of the tables it wrote
# (bulk.services): technical, not policy.
BULK_ANALYZE_AFTER_ROWS = 10_000
# The home page's to-dos (accounts.todos). Working reminders, not policy: a township official is reminded of the
# people of a pushed list still without an outcome this many days before its feedback deadline; city and province
# staff of the progress snapshots whose latest date is older than this many days.
TODO_DEADLINE_NEAR_DAYS = int(os.environ.get("TODO_DEADLINE_NEAR_DAYS", "7"))
TODO_PROGRESS_SNAPSHOT_STALE_DAYS = int(os.environ.get("TODO_PROGRESS_SNAPSHOT_STALE_DAYS", "31"))

IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Outreach (动员参保): the SMS platform the reminders are posted to (JSON, the key in the Authorization header); without
# a URL, SMS campaigns are written to a file for the platform instead. At most this many messages a minute.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
OUTREACH_SMS_PER_MINUTE = int(os.environ.get("OUTREACH_SMS_PER_MINUTE", "60"))

# Personal data on shared counter PCs: a session ends with the browser, and after a working day at the latest.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_HOURS", "8")) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: five wrong passwords for a user name from one address lock it there for half an hour (a whole bureau
# behind one address is not locked out by one person).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy: scripts only from this site or carrying the page's nonce; no frames, no plugins. The
# admin and the API docs page bring inline scripts of their own and are left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/docs/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],  # htmx and ECharts set element styles
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

X_FRAME_OPTIONS = "DENY"
# The header in which the proxy in front of gunicorn names the client's address (config.middleware); empty where no
# proxy stands in front, for then anyone could send it.
CLIENT_ADDRESS_HEADER = os.environ.get("DJANGO_CLIENT_ADDRESS_HEADER", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", True)
    # Behind the bureau's TLS proxy; DJANGO_SECURE_SSL_REDIRECT=0 where the proxy redirects itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# The national medical-insurance information platform's person query (national/, 1101). Unset URL: canbao answers
# from its own data only; set: a person canbao does not find in the asker's scope is asked of the platform.
NATIONAL_PLATFORM_URL = os.environ.get("NATIONAL_PLATFORM_URL", "")
NATIONAL_PLATFORM_APP_ID = os.environ.get("NATIONAL_PLATFORM_APP_ID", "")
NATIONAL_PLATFORM_APP_SECRET = os.environ.get("NATIONAL_PLATFORM_APP_SECRET", "")
NATIONAL_PLATFORM_SENDER_CODE = os.environ.get("NATIONAL_PLATFORM_SENDER_CODE", "")
NATIONAL_PLATFORM_SENDER_NAME = os.environ.get("NATIONAL_PLATFORM_SENDER_NAME", "")
NATIONAL_PLATFORM_RECEIVER_SYSTEM = os.environ.get("NATIONAL_PLATFORM_RECEIVER_SYSTEM", "")
NATIONAL_PLATFORM_AREA = os.environ.get("NATIONAL_PLATFORM_AREA", "140000")
NATIONAL_PLATFORM_INTERFACE_VERSION = os.environ.get("NATIONAL_PLATFORM_INTERFACE_VERSION", "V1.0")
NATIONAL_PLATFORM_TIMEOUT_SECONDS = float(os.environ.get("NATIONAL_PLATFORM_TIMEOUT_SECONDS", "10"))
# The province's dictionary of person identity codes (人员身份类别, psn_idet_type) for canbao's hardship categories,
# "tekun=CODE,dibao=CODE,...": a category without a code is answered with an empty psn_idet_type.
NATIONAL_PLATFORM_IDENTITY_CODES = {
    category.strip(): code.strip()
    for category, _, code in (
        pair.partition("=") for pair in os.environ.get("NATIONAL_PLATFORM_IDENTITY_CODES", "").split(",")
    )
    if category.strip() and code.strip()
}
