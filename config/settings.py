"""Masterly's one settings module: every value comes from the environment (see config/env.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from csp.constants import NONE, SELF

from config.env import (
    SettingsError,
    check_hsts,
    database,
    env_bool,
    env_int,
    env_list,
    env_share,
    env_str,
    proxy_ssl_header,
    secret_key,
    sign_in_limits,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# A relative MASTERLY_DATA_DIR is read from the project folder, whatever the current folder.
DATA_DIR = BASE_DIR / (env_str("MASTERLY_DATA_DIR") or "var")

try:
    DEBUG = env_bool("DEBUG", default=False)
    SECRET_KEY = secret_key(debug=DEBUG)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
    if not DEBUG and not ALLOWED_HOSTS:
        raise SettingsError(
            "ALLOWED_HOSTS is required when DEBUG is off: a comma-separated list of the host "
            "names Masterly is served under, for example ALLOWED_HOSTS=masterly.example.org"
        )
    DATABASES = {
        "default": database(
            env_str("DATABASE_URL"),
            data_dir=DATA_DIR,
            # Seconds a SQLite writer waits for the write lock before "database is locked".
            busy_timeout=env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1, maximum=600),
        )
    }
    # The port `masterly start` and `masterly runserver` serve on (gunicorn reads PORT itself).
    PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Masterly <masterly@localhost>")
    SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
    REDIS_URL = env_str("REDIS_URL")
    SIGN_IN_LIMITS = sign_in_limits()  # used by the sign-in block below
    # Hostile or broken files (issue 11): an upload larger than MAX_UPLOAD_MB is refused before
    # it is stored; a roster zip or folder is refused while it is read, before anything
    # changes, when it passes one of the IMPORT_MAX_* caps (see integrations/oneroster/limits).
    MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 200, minimum=1, maximum=100_000)
    # The dashboards show no figure about fewer students than this (ADR 25).
    DASHBOARD_MIN_GROUP = env_int("DASHBOARD_MIN_GROUP", 10, minimum=1, maximum=1000)
    IMPORT_MAX_UNPACKED_MB = env_int("IMPORT_MAX_UNPACKED_MB", 2048, minimum=1, maximum=10**7)
    IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=2)
    IMPORT_MAX_LINE_KB = env_int("IMPORT_MAX_LINE_KB", 64, minimum=1, maximum=1024 * 1024)
    IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 250, minimum=10, maximum=100_000)
    CASE_MAX_PACKAGE_MB = env_int("CASE_MAX_PACKAGE_MB", 50, minimum=1, maximum=100_000)
    # A QTI package (zip or folder), packed and unpacked: its XML is parsed whole.
    QTI_MAX_PACKAGE_MB = env_int("QTI_MAX_PACKAGE_MB", 100, minimum=1, maximum=100_000)
    TASK_BACKEND = env_str("TASK_BACKEND", "database")
    if TASK_BACKEND not in {"database", "redis", "immediate"}:
        raise SettingsError(
            f"TASK_BACKEND={TASK_BACKEND!r} is not known; use database (default), redis or "
            "immediate."
        )
    # Uploaded item images: a larger file, or more pixels once decoded, is refused (the pixel
    # cap stops decompression bombs: a small file that decodes to gigabytes).
    IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
    IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 25_000_000, minimum=1)
    if TASK_BACKEND == "redis" and not REDIS_URL:
        raise SettingsError(
            "TASK_BACKEND=redis needs REDIS_URL, for example REDIS_URL=redis://127.0.0.1:6379/0"
        )
    # Tasks one `masterly worker` runs at once (threads), so one long import never holds up a
    # recompute; `masterly start` runs this many (ADR 14).
    WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 2, minimum=1, maximum=64)
    # An import whose worker has not written its heartbeat for this long is taken as dead
    # (its worker was killed): it is marked failed and its upload removed.
    WORKER_DEAD_AFTER = env_int("WORKER_DEAD_AFTER", 300, minimum=30, maximum=7 * 24 * 3600)
    # A roster import that would deactivate more than this share of the active people or of
    # the current enrollments is refused until an admin confirms it.
    ONEROSTER_MAX_DEACTIVATION_SHARE = env_share("ONEROSTER_MAX_DEACTIVATION_SHARE", 0.2)
    # An assessment's blueprint warns about a standard with fewer items or points than this:
    # too little to judge mastery on it.
    BLUEPRINT_MIN_ITEMS = env_int("BLUEPRINT_MIN_ITEMS", 3, minimum=1, maximum=100)
    BLUEPRINT_MIN_POINTS = env_int("BLUEPRINT_MIN_POINTS", 3, minimum=1, maximum=10_000)
    # A guardian's activation code works for this many days (README, "Activation").
    ACTIVATION_CODE_DAYS = env_int("ACTIVATION_CODE_DAYS", 60, minimum=1, maximum=730)
    # Term report zips and activation letter zips are deleted this many days after they were
    # made, by the worker's periodic sweep (README, "Term progress reports").
    REPORT_FILES_DAYS = env_int("REPORT_FILES_DAYS", 14, minimum=1, maximum=3650)
    # Sign in with Google / Clever: a provider's button shows once its id and secret are set
    # here or as a SocialApp in the admin (masterly/portals/social_sign_in.py).
    SOCIAL_APPS = {
        provider: (
            env_str(f"{provider.upper()}_CLIENT_ID"),
            env_str(f"{provider.upper()}_CLIENT_SECRET"),
        )
        for provider in ("google", "clever")
    }
    # An answer to an online test still counts this many seconds after its deadline (a
    # request already in flight); later ones are refused and the page says which.
    TAKING_GRACE_SECONDS = env_int("TAKING_GRACE_SECONDS", 10, minimum=0, maximum=300)
except SettingsError as error:
    sys.stderr.write(f"Masterly cannot start: {error}\n")
    raise SystemExit(2) from None

# Without an email server, mail is printed to the console so sign-up and resets still work.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

INSTALLED_APPS = [
    "masterly.portals.apps.MasterlyAdminConfig",  # Django admin, open to district admins by role
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "masterly.accounts",  # before allauth, so its templates override allauth's
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.clever",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "masterly.core",
    "masterly.roster",
    "masterly.standards",
    "masterly.assessments",
    "masterly.trackers",
    "masterly.portals",
    "masterly.reports",  # the leaders' dashboards, their exports and PDFs
    "masterly.integrations.oneroster",
    "masterly.integrations.case",
    "masterly.integrations.qti",
    "masterly.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "masterly.accounts.middleware.PreferredLanguageMiddleware",  # after auth and locale
    "masterly.core.headers.ResponseHeadersMiddleware",  # needs request.user
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "masterly.accounts.middleware.ChooseOwnPasswordMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "masterly" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masterly.portals.context.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "masterly.portals.admin_site.DistrictAdminBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: username or email + password; schools create accounts (no open sign-up).
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "masterly.accounts.adapter.SchoolAccountAdapter"
# --- Sign-in rate limits (masterly/accounts/sign_in_limits.py, README "Sign-in limits") ---
# Failed sign-ins are counted per account (username and email together) and, with a ceiling
# sized for a school behind one NAT address, per address; correct sign-ins are never limited.
# The counters live in the default cache below, which every web worker process shares.
ACCOUNT_RATE_LIMITS = {
    **SIGN_IN_LIMITS.allauth_rate_limits(),
    "reset_password": "20/m/ip,5/m/key",
    # /activate/: codes typed from one address (masterly/portals/activation/views.py).
    "activation_code": SIGN_IN_LIMITS.activation_rate_limit(),
}
# Behind N reverse proxies of your own, the client's address is the Nth from the right in
# X-Forwarded-For; with none (the default) it is the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = SIGN_IN_LIMITS.trusted_proxy_count
# --- end of sign-in rate limits ---
ACCOUNT_SESSION_REMEMBER = None
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {
    "google": {"SCOPE": ["profile", "email"]},
    "clever": {},
}
# A provider configured in the environment (GOOGLE_CLIENT_ID/SECRET, CLEVER_…); one set up as
# a SocialApp in the admin shows its button as well.
for _provider, (_client_id, _secret) in SOCIAL_APPS.items():
    if _client_id and _secret:
        SOCIALACCOUNT_PROVIDERS[_provider]["APP"] = {"client_id": _client_id, "secret": _secret}
# Google and Clever sign in only to accounts the roster has; they never create one.
SOCIALACCOUNT_ADAPTER = "masterly.portals.social_sign_in.SchoolSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# django-tasks: the database queue needs no extra server; Redis (RQ) for scale.
if TASK_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "redis": "django_tasks_rq.RQBackend",
        }[TASK_BACKEND],
    }
}

# Shared by the web server and the task worker (import progress, sign-in rate limits): a
# file cache on one machine, Redis when REDIS_URL is set.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            # Django's file cache with an add() that is atomic across processes (allauth's
            # rate-limit lock); room for a district's sign-in failure counters.
            "BACKEND": "masterly.core.file_cache.SharedFileCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}

# How often a running import writes its heartbeat (seconds); well below WORKER_DEAD_AFTER.
WORKER_HEARTBEAT_SECONDS = 5.0

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "masterly" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# An upload past MAX_UPLOAD_MB is cut off as it arrives (never stored, not even as a temporary
# file); a smaller one above 2.5 MB goes to a temporary file, not memory.
FILE_UPLOAD_HANDLERS = [
    "masterly.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# ---------------------------------------------------------------- HTTPS and response headers
# HTTPS redirect and HSTS from the environment (README, "Configuration"), off by default so a
# plain-HTTP install on a school's own network still works; checked at start (config/env.py).
try:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0, maximum=2 * 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    check_hsts(
        seconds=SECURE_HSTS_SECONDS,
        include_subdomains=SECURE_HSTS_INCLUDE_SUBDOMAINS,
        preload=SECURE_HSTS_PRELOAD,
    )
    # Trusted only when set: the header a TLS-terminating proxy sends to say "this was HTTPS".
    SECURE_PROXY_SSL_HEADER = proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
except SettingsError as error:
    sys.stderr.write(f"Masterly cannot start: {error}\n")
    raise SystemExit(2) from None

# Content-Security-Policy (django-csp, ADR 19): scripts, styles and everything else only from
# Masterly's own origin; no inline script, no style attribute (level colours are classes from
# a generated stylesheet, portals/trackers/colours.py). data: images are the MFA set-up QR code.
# Forms post to Masterly only, except the sign-in redirect to Google's or Clever's own page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://accounts.google.com", "https://clever.com"],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}
# Browser features no page of Masterly uses, refused to it and to any frame (Permissions-Policy,
# masterly.core.headers). Speech is not a feature the header governs, so reading aloud stays
# possible; fullscreen and passkeys (publickey-credentials-*) keep the browser's default.
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"masterly": {"level": "INFO"}},
}

# CASE URL import (masterly/integrations/case/sources.py, ADR 12): only public internet
# addresses are downloaded from. CASE_URL_ALLOWED_HOSTS names hosts (as written in the
# address; "[::1]" or "::1") that may be fetched although they resolve to a loopback or private
# address, such as a district's own CASE server. Production leaves it empty.
CASE_URL_ALLOWED_HOSTS = [
    host.strip("[]").lower() for host in env_list("CASE_URL_ALLOWED_HOSTS", [])
]
