"""Drive the school-enrollment app under the status_guard hook, the way its staff and a federal
requester would use it, and print one JSON object with what happened.

    SG_DB=sqlite:/tmp/app.db python run.py        (or SG_DB="postgres:<dsn>;<schema>")

Local phase (a school clerk, ``local``): ``migrate`` from an empty database, admin pages, views
with pagination and eager loading, bulk creates/updates, upserts, JSON queries, aggregates,
subqueries, savepoints, ``iterator()``, raw executemany of a generator. Every statement the hook
refuses there is a false block. Federal phase: the same views and some hostile ORM queries as a
``federal`` requester; no place-of-birth value may appear in any row, error or response.
Each step is run separately, so one refusal does not hide the next statement."""

from __future__ import annotations

import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

RESULT: dict = {}
SENTINEL_COB = "ZQ"  # a country code no fixture uses: must never reach a federal requester
SENTINEL_LANG = "Sentinel-Language-QX"


def main() -> dict:
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
    from django.test import Client

    from status_guard.context import RequestContext, request_context
    from status_guard.model import Requester
    from status_guard.sql import SQLAnalysisError, SQLRefusedError

    hook = apps.get_app_config("enrollment").sg_hook
    shapes: dict[str, int] = {}

    statements: dict[str, bool] = {}
    RESULT["statements"] = statements

    def record_shapes(execute, sql, params, many, context):
        statements.setdefault(sql, many or params is not None)
        for k in ("UNNEST", "RETURNING", "SAVEPOINT", "SET CONSTRAINTS", "new__", "pg_catalog", "sqlite_master",
                  "EXISTS", "ON CONFLICT", "FOR UPDATE"):
            if k in sql:
                shapes[k] = shapes.get(k, 0) + 1
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(record_shapes)
    RESULT["shapes"] = shapes
    from enrollment.models import EllProfile, Enrollment, Guardian, School, Student

    result = RESULT
    result.update({"vendor": connection.vendor, "steps": {}, "errors": [], "federal_leaks": []})

    def insp():
        return hook.inspector(connection)

    def step(name, fn, requester="local", purpose=None):
        before = dict(insp().stats)
        ctx = RequestContext(requester=Requester(requester), purpose=purpose, scope=os.environ.get("SG_SCOPE", "schools")) if requester else None
        try:
            if ctx is None:  # outside any request, like `manage.py migrate`
                out = fn()
            else:
                with request_context(ctx):
                    out = fn()
            ok = True
        except (SQLRefusedError, SQLAnalysisError) as exc:
            out, ok = exc, False
            result["errors"].append({"step": name, "requester": requester, "error": type(exc).__name__,
                                     "message": str(exc)})
        except Exception as exc:  # noqa: BLE001 - the workload reports, the test decides
            out, ok = exc, False
            result["errors"].append({"step": name, "requester": requester, "error": type(exc).__name__,
                                     "message": "".join(traceback.format_exception_only(type(exc), exc))[-400:]})
        if not ok and connection.vendor == "postgresql":
            connection.close()  # a refused statement may leave the transaction aborted: start clean
        after = dict(insp().stats)
        delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
        result["steps"][name] = {"ok": ok, "requester": requester, **delta}
        if requester not in ("local", None):
            text = repr(out)
            for s in (SENTINEL_COB, SENTINEL_LANG):
                if s in text:
                    result["federal_leaks"].append({"step": name, "sentinel": s})
        return out

    # -- migrate from an empty database, with the hook installed as documented -----------------
    step("migrate", lambda: call_command("migrate", verbosity=0, interactive=False), requester=None)
    step("migrate_again", lambda: call_command("migrate", verbosity=0, interactive=False), requester=None)

    # -- seed --------------------------------------------------------------------------------------
    def seed():
        schools = School.objects.bulk_create([School(name=f"School {i}") for i in range(3)])
        schools = list(School.objects.order_by("id"))
        guardians = Guardian.objects.bulk_create([Guardian(full_name=f"Guardian {i}", phone="555-0100",
                                                           home_address=f"{i} Elm St") for i in range(6)])
        students = Student.objects.bulk_create([
            Student(first_name=f"First{i}", last_name=f"Last{i % 5}", grade=i % 12 + 1, school=schools[i % 3],
                    home_address=f"{i} Main St", english_learner=i % 4 == 0, extra={"bus": i % 3, "allergies": []})
            for i in range(24)])
        students = list(Student.objects.order_by("id"))
        for s in students[:6]:
            s.guardians.add(*Guardian.objects.order_by("id")[:2])
        Enrollment.objects.bulk_create([Enrollment(student=s, school=s.school, year=2026) for s in students])
        return len(students)

    step("seed_bulk_create", seed)

    def ell():
        for s in Student.objects.filter(english_learner=True):
            EllProfile.objects.create(student=s, country_of_birth=SENTINEL_COB, home_language=SENTINEL_LANG)
        return EllProfile.objects.count()

    step("ell_profiles_for_ell_services", ell, purpose="ell_services")

    # -- everyday ORM traffic ------------------------------------------------------------------
    step("get_or_create", lambda: School.objects.get_or_create(name="School 0", defaults={"district": "x"}))
    step("update_or_create", lambda: Guardian.objects.update_or_create(full_name="Guardian 9",
                                                                       defaults={"phone": "555-0199"}))

    def bulk_update():
        ss = list(Student.objects.filter(grade__lte=3))
        for s in ss:
            s.grade = s.grade + 1
        return Student.objects.bulk_update(ss, ["grade"])

    step("bulk_update", bulk_update)
    step("update_f", lambda: Student.objects.filter(grade__gte=11).update(grade=F("grade") - 1))
    step("upsert", lambda: Enrollment.objects.bulk_create(
        [Enrollment(student_id=Student.objects.order_by("id").first().pk, school_id=School.objects.order_by("id")
                    .first().pk, year=2026, status="withdrawn")],
        update_conflicts=True, unique_fields=["student", "year"], update_fields=["status"]))
    step("json_filter", lambda: list(Student.objects.filter(extra__bus=1).values_list("id", flat=True)))
    step("json_has_key", lambda: Student.objects.filter(extra__has_key="allergies").count())
    step("json_update", lambda: Student.objects.filter(pk=Student.objects.order_by("id").first().pk)
         .update(extra={"bus": 2, "allergies": ["peanuts"]}))
    step("aggregate", lambda: list(School.objects.annotate(n=Count("students")).values("name", "n")))
    step("subquery", lambda: list(Student.objects.filter(
        Exists(Enrollment.objects.filter(student=OuterRef("pk"), status="active"))).values_list("id", flat=True)))
    step("subquery_value", lambda: list(School.objects.annotate(
        first=Subquery(Student.objects.filter(school=OuterRef("pk")).order_by("id").values("first_name")[:1]))
        .values("name", "first")))
    step("q_objects", lambda: Student.objects.filter(Q(grade__in=[1, 2]) | Q(last_name__startswith="Last1")).count())
    step("exists", lambda: Student.objects.filter(grade=5).exists())
    step("in_bulk", lambda: len(Student.objects.in_bulk(list(Student.objects.values_list("id", flat=True)[:5]))))
    step("iterator", lambda: sum(1 for _ in Student.objects.all().iterator(chunk_size=7)))
    step("prefetch", lambda: [(s.pk, [g.pk for g in s.guardians.all()]) for s in
                              Student.objects.prefetch_related("guardians", "enrollments").all()])

    def savepoints():
        with transaction.atomic():
            g = Guardian.objects.create(full_name="Temp")
            try:
                with transaction.atomic():
                    Guardian.objects.filter(pk=g.pk).update(phone="x")
                    raise RuntimeError("roll back the inner block")
            except RuntimeError:
                pass
            g.delete()
        return True

    step("savepoints", savepoints)

    def select_for_update():
        with transaction.atomic():
            return list(Student.objects.select_for_update().filter(grade=2).values_list("id", flat=True))

    step("select_for_update", select_for_update)

    def raw_executemany_generator():
        rows = ((f"Gen guardian {i}", "555-0110", "") for i in range(7))
        with connection.cursor() as cur:
            cur.executemany("INSERT INTO enrollment_guardian (full_name, phone, email, home_address) "
                            "VALUES (%s, %s, '', %s)", rows)
        return Guardian.objects.filter(full_name__startswith="Gen guardian").count()

    result["generator_rows"] = step("raw_executemany_generator", raw_executemany_generator)
    step("delete_cascade", lambda: Student.objects.filter(last_name="Last4", grade__gt=10).delete())

    # -- views and the admin, through Django's request handling --------------------------------
    from django.contrib.auth.models import User

    step("create_superuser", lambda: User.objects.create_superuser("clerk", "clerk@example.org", "pw"))
    client = Client()

    def admin_pages():
        assert client.login(username="clerk", password="pw")
        codes = []
        for url in ("/admin/", "/admin/enrollment/student/", "/admin/enrollment/student/?q=Last1",
                    "/admin/enrollment/student/?grade__exact=3", "/admin/enrollment/student/?p=2",
                    f"/admin/enrollment/student/{Student.objects.order_by('id').first().pk}/change/",
                    "/admin/enrollment/guardian/", "/admin/enrollment/enrollment/", "/admin/enrollment/school/add/"):
            codes.append(client.get(url).status_code)
        resp = client.post("/admin/enrollment/school/add/", {"name": "School Admin", "district": "Cambridge"})
        codes.append(resp.status_code)
        return codes

    result["admin_codes"] = step("admin_pages", admin_pages)

    def views():
        out = []
        for url in ("/students/", "/students/?page=2", "/students/?grade=4",
                    f"/students/{Student.objects.order_by('id').first().pk}/",
                    f"/schools/{School.objects.order_by('id').first().pk}/roster/"):
            r = client.get(url)
            out.append((r.status_code, r.content.decode()[:2000]))
        return out

    got = step("views", views)
    result["view_codes"] = [c for c, _ in got] if isinstance(got, list) else repr(got)
    local_stats = {k: sum(s.get(k, 0) for s in result["steps"].values() if s["requester"] in ("local", None))
                   for k in ("checked", "allowed", "flagged", "refused", "fail_closed")}

    # -- a federal requester -------------------------------------------------------------------
    ell_student = step("find_ell_student", lambda: EllProfile.objects.values_list("student_id", flat=True).first())

    def fed_views():
        out = []
        for url in ("/students/", f"/students/{ell_student}/", f"/ell/{ell_student}/"):
            try:
                r = client.get(url)
                out.append((r.status_code, r.content.decode()))
            except (SQLRefusedError, SQLAnalysisError) as exc:
                out.append(("refused", str(exc)))
        return out

    step("federal_views", fed_views, requester="federal")
    step("federal_ell_rows", lambda: list(EllProfile.objects.values()), requester="federal")
    step("federal_filter_place_of_birth", lambda: list(Student.objects.filter(ell__country_of_birth__startswith="Z")
                                                       .values_list("id", flat=True)), requester="federal")
    step("federal_order_by_place_of_birth", lambda: list(Student.objects.order_by("ell__country_of_birth")
                                                         .values_list("id", flat=True)), requester="federal")
    step("federal_cast_error", lambda: list(EllProfile.objects.extra(where=["CAST(country_of_birth AS integer) > 0"])
                                            .values_list("id", flat=True)), requester="federal")
    result["local"] = local_stats
    result["federal"] = {k: sum(s.get(k, 0) for s in result["steps"].values() if s["requester"] == "federal")
                         for k in ("checked", "allowed", "flagged", "refused", "fail_closed")}
    hook.inspector(connection).flush()
    return result


if __name__ == "__main__":
    try:
        out = main()
    except Exception:  # noqa: BLE001
        out = {**RESULT, "crash": traceback.format_exc()[-3000:]}
    print("SG-RESULT " + json.dumps(out, default=str))
