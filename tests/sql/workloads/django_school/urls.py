from django.contrib import admin
from django.urls import path

from enrollment import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("students/", views.student_list),
    path("students/<int:pk>/", views.student_detail),
    path("schools/<int:pk>/roster/", views.roster),
    path("ell/<int:pk>/", views.ell_profile),
]
