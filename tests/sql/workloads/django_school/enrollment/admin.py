from django.contrib import admin

from .models import Enrollment, Guardian, School, Student


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "grade", "school"]
    list_filter = ["grade", "school"]
    search_fields = ["last_name", "first_name"]
    list_select_related = ["school"]
    list_per_page = 10


admin.site.register(School)
admin.site.register(Guardian)
admin.site.register(Enrollment)
