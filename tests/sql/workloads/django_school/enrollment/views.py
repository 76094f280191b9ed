from django.core.paginator import Paginator
from django.http import JsonResponse

from .models import EllProfile, School, Student


def _student(s: Student) -> dict:
    return {"id": s.pk, "name": f"{s.first_name} {s.last_name}", "grade": s.grade, "school": s.school.name,
            "guardians": [g.full_name for g in s.guardians.all()]}


def student_list(request):
    qs = Student.objects.select_related("school").prefetch_related("guardians").order_by("last_name", "id")
    grade = request.GET.get("grade")
    if grade:
        qs = qs.filter(grade=int(grade))
    page = Paginator(qs, 5).get_page(request.GET.get("page", 1))
    return JsonResponse({"count": page.paginator.count, "students": [_student(s) for s in page]})


def student_detail(request, pk):
    s = Student.objects.select_related("school").get(pk=pk)
    return JsonResponse(_student(s))


def roster(request, pk):
    school = School.objects.get(pk=pk)
    rows = list(school.students.filter(enrollments__status="active").values("id", "first_name", "grade").distinct())
    return JsonResponse({"school": school.name, "students": rows})


def ell_profile(request, pk):
    p = EllProfile.objects.get(student_id=pk)
    return JsonResponse({"student": pk, "home_language": p.home_language, "country_of_birth": p.country_of_birth})
