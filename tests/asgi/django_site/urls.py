import json

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

RECORD = {"person": {"name": "R. Doe", "home_address": "9 Example Rd", "release_date": "2027-01-02",
                     "citizenship_status": "not a U.S. citizen"}, "charge": "trespass"}
FORM = """<!doctype html><html lang="en"><body><form method="post" action="/enroll">
<label for="n">Student name</label><input id="n" name="student_name">
<label for="c">Is the student a U.S. citizen?</label><select id="c" name="student_citizen"><option>Yes</option><option>No</option></select>
<label for="r">Proof of district residency</label><input id="r" name="residency_proof">
</form></body></html>"""


def record(request):
    return JsonResponse(RECORD)


def form(request):
    return HttpResponse(FORM)


@csrf_exempt
def enroll(request):
    return JsonResponse({"received": sorted(request.POST.keys())})


urlpatterns = [path("records/1", record), path("form", form), path("enroll", enroll)]
