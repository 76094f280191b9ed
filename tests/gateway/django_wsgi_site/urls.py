import json

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from status_guard.context import current
from status_guard.sql import SQLRefusedError

RECORD = {"booking_id": "B-1", "charge": "trespass",
          "person": {"name": "R. Doe", "home_address": "9 Example Rd", "release_date": "2031-01-02",
                     "citizenship_status": "not a U.S. citizen"}}
FORM = """<!doctype html><html lang="en"><body><form method="post" action="/schools/enroll">
<label for="n">Student name</label><input id="n" name="student_name">
<label for="c">Is the student a U.S. citizen?</label><select id="c" name="student_citizen"><option>Yes</option></select>
<label for="r">Proof of district residency</label><input id="r" name="residency_proof">
</form></body></html>"""


def record(request):
    return JsonResponse(RECORD)


def bookings(request):
    from django_wsgi_site.records.models import Booking

    try:
        rows = list(Booking.objects.values("booking_id", "charge", "home_address", "release_date"))
    except SQLRefusedError:
        return JsonResponse({"error": {"code": "sql_refused"}}, status=403)
    return JsonResponse({"bookings": rows})


def whoami(request):
    ctx = current()
    return JsonResponse({"requester": ctx.requester.cls if ctx else None, "request_id": ctx.request_id if ctx else None,
                         "route": ctx.route if ctx else None})


def form(request):
    return HttpResponse(FORM)


@csrf_exempt
def enroll(request):
    return JsonResponse({"received": sorted(request.POST.keys()), "body": request.body.decode()})


def export(request):
    def rows():
        yield "booking_id,home_address,charge\n"
        for i in range(2000):
            yield f"B-{i},{i} Example Rd,trespass\n"
    resp = StreamingHttpResponse(rows(), content_type="text/csv")
    return resp


def cookie(request):
    resp = JsonResponse({"ok": True})
    resp.set_cookie("sessionid", "abc")
    resp.set_cookie("csrftoken", "def")
    return resp


urlpatterns = [path("police/records/1", record), path("police/bookings", bookings), path("police/whoami", whoami),
               path("police/export.csv", export), path("schools/form", form), path("schools/enroll", enroll),
               path("city/cookie", cookie), path("city/whoami", whoami)]
