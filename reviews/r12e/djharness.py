"""Django ASGI app under StatusGuardMiddleware (r12e)."""
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import django
from django.conf import settings
if not settings.configured:
    settings.configure(DEBUG=False, SECRET_KEY="x" * 50, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"],
                       MIDDLEWARE=[], INSTALLED_APPS=[], DATA_UPLOAD_MAX_NUMBER_FIELDS=5000)
    django.setup()
from django.http import JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from django.core.asgi import get_asgi_application
DJ_RECEIVED = []
@csrf_exempt
def view(request):
    if request.method == "POST":
        raw = request.body
        try:
            fields = [(k, v) for k in request.POST for v in request.POST.getlist(k)]
            files = [(k, f.name) for k in request.FILES for f in request.FILES.getlist(k)]
        except Exception as e:
            fields, files = "ERR " + repr(e), []
        DJ_RECEIVED.append({"fields": fields, "files": files, "body": raw.decode("utf-8", "replace")})
    return JsonResponse({"ok": True})
urlpatterns = [re_path(r"^.*$", view)]
import logging; logging.disable(logging.NOTSET)
dj_inner = get_asgi_application()
