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
