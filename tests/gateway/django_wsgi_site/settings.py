"""A small Django site served by gunicorn (WSGI) with status_guard in settings.MIDDLEWARE."""

import os

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "django_wsgi_site.urls"
INSTALLED_APPS = ["django_wsgi_site.records"]
MIDDLEWARE = [
    "django_wsgi_site.auth.SessionTokenAuth",          # the site's own authentication (outside the guard)
    "status_guard.wsgi.django.StatusGuardDjangoMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["SG_TEST_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
STATUS_GUARD = {
    "guard": "django_wsgi_site.guard.guard",
    "identify": "django_wsgi_site.auth.requester",
    "scope": "city",
    "routes": [{"prefix": "/police", "scope": "police", "public_record_fields": ("charge", "booking_id")},
               {"prefix": "/schools", "scope": "schools"}],
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
