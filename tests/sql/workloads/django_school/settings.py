"""Settings of the school-enrollment workload app. The database comes from the environment:
``SG_DB=sqlite:/path/app.db`` or ``SG_DB=postgres:<dsn>;<schema>`` (a schema of its own in the
shared server, found through ``search_path``)."""

import os

SECRET_KEY = "workload-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "enrollment.apps.EnrollmentConfig",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, workload only

_db = os.environ.get("SG_DB", "sqlite:/tmp/sg_school.db")
if _db.startswith("sqlite:"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _db[len("sqlite:"):]}}
else:
    dsn, _, schema = _db[len("postgres:"):].partition(";")
    parts = dict(p.split("=", 1) for p in dsn.split())
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": parts.get("dbname", "test"),
        "USER": parts.get("user", "postgres"), "HOST": parts.get("host", "127.0.0.1"),
        "PORT": parts.get("port", "5432"), "OPTIONS": {"options": f"-c search_path={schema}"},
    }}
