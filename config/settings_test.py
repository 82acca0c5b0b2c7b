"""Test overrides on top of the one settings module (kept short on purpose)."""

import os

# Tests run as production does (DEBUG off), so the values production requires are given here.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_COOKIES", "false")

from config.settings import *  # noqa: F403

# Hashing passwords at full strength would make every fixture sign-in slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Each test process keeps its own cache; the worker runs in-process in tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests serve static files through the finders; there is no collected STATIC_ROOT to scan.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
