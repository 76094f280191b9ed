"""Django hook with an in-memory SQLite configuration (settings.configure in the test)."""

from __future__ import annotations

import pytest

django = pytest.importorskip("django")


@pytest.fixture(scope="module")
def django_db():
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            INSTALLED_APPS=[],
            USE_TZ=True,
            DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        )
        django.setup()
    from django.db import connection, models

    class Student(models.Model):
        name = models.TextField()
        citizenship = models.TextField(null=True)
        home_address = models.TextField(null=True)

        class Meta:
            app_label = "sgtest"
            db_table = "sg_student"

    with connection.schema_editor() as editor:
        editor.create_model(Student)
    yield Student
    with connection.schema_editor() as editor:
        editor.delete_model(Student)


def test_django_orm_never_stores_citizenship(sg, django_db):
    from django.db import connection

    from status_guard.sql import SQLRefusedError
    from status_guard.sql.hooks.django import install, uninstall

    Student = django_db
    hook = install(sg, scope="schools", schema={"sg_student": {"id": "integer", "name": "text",
                                                               "citizenship": "text", "home_address": "text"}})
    try:
        with pytest.raises(SQLRefusedError):
            Student.objects.create(name="Ana", citizenship="MX")
        Student.objects.create(name="Bo", citizenship=None)  # NULL is not collection
        with pytest.raises(SQLRefusedError):
            list(Student.objects.filter(citizenship="US"))
        with pytest.raises(SQLRefusedError):
            Student.objects.bulk_create([Student(name="C"), Student(name="D", citizenship="US")])
        assert list(Student.objects.values_list("name", flat=True)) == ["Bo"]
        with connection.cursor() as cur:
            with pytest.raises(SQLRefusedError):
                cur.execute("UPDATE sg_student SET citizenship = %s WHERE name = %s", ["US", "Bo"])
    finally:
        uninstall(hook)
    assert list(Student.objects.values_list("name", "citizenship")) == [("Bo", None)]


@pytest.fixture
def installed_sgtest_app(django_db):
    """Make the test model's app installed, so `apps.get_models()` — what the hook's default
    `schema="models"` reads — lists it (settings can only be configured once per process)."""
    import types

    from django.apps import AppConfig, apps

    module = types.ModuleType("sgtest")
    module.__file__ = __file__
    config = AppConfig("sgtest", module)
    config.apps = apps
    config.models = apps.all_models["sgtest"]
    apps.app_configs["sgtest"] = config
    apps.clear_cache()
    yield django_db
    del apps.app_configs["sgtest"]
    apps.clear_cache()


def test_django_default_schema_from_installed_models_never_stores_citizenship(sg, installed_sgtest_app):
    from django.db import connection

    from status_guard.sql import SQLAnalysisError, SQLRefusedError
    from status_guard.sql.hooks.django import install, model_schema, uninstall

    Student = installed_sgtest_app
    assert set(model_schema(connection)["sg_student"]) == {"id", "name", "citizenship", "home_address"}
    hook = install(sg, scope="schools")  # schema="models": derived from the installed models
    try:
        with pytest.raises(SQLRefusedError):
            Student.objects.create(name="Ana", citizenship="MX")
        Student.objects.create(name="Eve", citizenship=None)
        with pytest.raises(SQLRefusedError):
            Student.objects.filter(name="Eve").update(citizenship="US")
        with connection.cursor() as cur:  # a table no installed model describes: refused
            with pytest.raises(SQLAnalysisError):
                cur.execute("SELECT * FROM sg_unmodelled")
        assert list(Student.objects.filter(name="Eve").values_list("name", flat=True)) == ["Eve"]
    finally:
        uninstall(hook)
    assert list(Student.objects.filter(name="Eve").values_list("citizenship", flat=True)) == [None]
    Student.objects.filter(name="Eve").delete()
