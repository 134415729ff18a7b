"""LeanOps settings. Every value that varies comes from leanops.env."""

from datetime import timedelta

from leanops.env import (
    BASE_DIR,
    VAR_DIR,
    EnvironmentSettingError,
    broker_from_url,
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "leanops-insecure-development-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise EnvironmentSettingError("SECRET_KEY must be set when DEBUG is false")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "leanops",
    "roles",
    "standardwork",
    "valuestream",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "leanops.middleware.session_idle_refresh",
    "leanops.middleware.login_slowdown",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leanops.urls"
WSGI_APPLICATION = "leanops.wsgi.application"

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
                "leanops.navigation.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///var/leanops.sqlite3"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What pages may reuse between requests (a person's place in the organisation,
# roles.cache). Production shares it between workers through Redis.
CACHES = {"default": cache_from_url(env_str("CACHE_URL", "locmem://"))}

AUTH_USER_MODEL = "roles.User"
# django-axes first: it refuses a login from a locked-out account or address
# before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles"))
# Uploads (prospect CSVs, call recordings) through Django's storage API.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
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

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# The demo (seed_demo: an admin with a published password) is for DEBUG set-ups
# only; read here once because the test runner turns DEBUG off.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", DEBUG)

# Trust X-Forwarded-Proto only when a proxy in front sets it: without one, any
# client could claim HTTPS with the header.
if env_bool("PROXY_SETS_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the web server append to X-Forwarded-For: the
# client's address is the one the outermost of them saw. 0 (no proxy) reads the
# socket's address only, so a client cannot pick its own address for the
# login throttle by sending the header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# HTTPS in production: plain HTTP is redirected, and browsers are told to use
# HTTPS only (HSTS). /healthz stays on plain HTTP for the container's health
# check, which probes 127.0.0.1 from inside (Dockerfile HEALTHCHECK).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Only marks the site as eligible: nothing is preloaded until someone submits it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)

# A session ends after this long without a request. leanops.middleware renews
# it at most every SESSION_REFRESH_MINUTES, so an ordinary request writes nothing.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 120)
SESSION_REFRESH_MINUTES = env_int("SESSION_REFRESH_MINUTES", 5)
if SESSION_REFRESH_MINUTES >= SESSION_IDLE_MINUTES:
    raise EnvironmentSettingError(
        "SESSION_REFRESH_MINUTES must be shorter than SESSION_IDLE_MINUTES"
    )
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# Content-Security-Policy (django-csp) on every response: scripts and styles
# only from this site's own files, so an injected <script> or style attribute
# does nothing. htmx is told not to inject its indicator style nor to eval
# (templates/_base.html, htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for
# one account, or from one address, both are refused for LOGIN_COOLOFF_MINUTES,
# on the site's login page and the admin's alike. Each failure and the lockout
# are logged as warnings by the "axes" logger.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "leanops.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "leanops.base.http.client_ip"
# Failures are kept (AccessAttempt); a row per successful login is not needed.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts still log
# The log names the account and the address (the password is always masked):
# an operator reading a lockout needs to know whom and from where.
AXES_SENSITIVE_PARAMETERS: list[str] = []
# Before the lockout, guessing is slowed: from the LOGIN_SLOWDOWN_AFTER-th wrong
# password on, the next attempt for that account or from that address is refused
# (not checked, not counted) until LOGIN_SLOWDOWN_SECONDS have passed, doubling
# with each further failure (leanops.middleware.login_slowdown). Refusing early
# rather than sleeping keeps a gunicorn worker free for everyone else.
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 3)
LOGIN_SLOWDOWN_SECONDS = env_int("LOGIN_SLOWDOWN_SECONDS", 5)

# Email: console in the embedded default, SMTP in production.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LeanOps <leanops@localhost>")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # the file-based backend

# Celery. Broker from the environment; JSON only; a late ack so a task whose
# worker dies is redelivered (every task is safe to repeat).
CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = broker_from_url(
    env_str("CELERY_BROKER_URL", "filesystem://")
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The filesystem transport has no broadcast exchange, so remote control
# (and with it mingle and gossip) is off there.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = not CELERY_BROKER_URL.startswith("filesystem")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Static and short: each tick asks the database what is due (see ARCHITECTURE.md).
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "leanops.tasks.heartbeat", "schedule": timedelta(minutes=1)},
    "issue-due-checklists": {
        "task": "standardwork.tasks.issue_due_checklists",
        "schedule": timedelta(minutes=5),
    },
    "summarise-adherence-weeks": {
        "task": "standardwork.tasks.summarise_adherence_weeks",
        "schedule": timedelta(minutes=15),
    },
    "send-due-reminders": {
        "task": "standardwork.tasks.send_due_reminders",
        "schedule": timedelta(minutes=5),
    },
    "open-due-standups": {
        "task": "standardwork.tasks.open_due_standups",
        "schedule": timedelta(minutes=5),
    },
    "run-due-campaign-steps": {
        "task": "valuestream.tasks.run_due_campaign_steps",
        "schedule": timedelta(minutes=1),
    },
    "feed-control-points": {
        "task": "valuestream.tasks.feed_control_points",
        "schedule": timedelta(minutes=15),
    },
    "requeue-stranded-imports": {
        "task": "valuestream.tasks.requeue_stranded_imports",
        "schedule": timedelta(minutes=5),
    },
    "prepare-due-weekly-reviews": {
        "task": "valuestream.tasks.prepare_due_weekly_reviews",
        "schedule": timedelta(minutes=5),
    },
}

# Follow-up campaigns: the address links in emails point at (the unsubscribe
# link), and how many campaign emails one sender sends a day.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
VALUESTREAM_DAILY_EMAIL_CAP = env_int("VALUESTREAM_DAILY_EMAIL_CAP", 300)
# After how long a campaign email claimed by a worker that did not finish its batch
# counts as abandoned (the worker died): longer than any batch takes to send.
VALUESTREAM_STALE_CLAIM_SECONDS = env_int("VALUESTREAM_STALE_CLAIM_SECONDS", 600)
# The mail provider signs its reply and bounce webhook with this secret (HMAC-SHA256 of
# the body); unset, the hook refuses every call.
INBOUND_HOOK_SECRET = env_str("INBOUND_HOOK_SECRET", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # An ordinary refusal (403) or a missing page (404) is a one-line warning, not a traceback.
    # A 503 for a database that is down (restarting) is one line too.
    "filters": {
        "refusal_without_traceback": {"()": "leanops.log_filters.RefusalWithoutTraceback"},
        "unavailable_without_traceback": {"()": "leanops.log_filters.UnavailableWithoutTraceback"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {
            "filters": ["refusal_without_traceback", "unavailable_without_traceback"]
        },
    },
}
