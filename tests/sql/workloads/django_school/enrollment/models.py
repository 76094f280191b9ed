"""A school-enrollment app as a city integrator would build it: no immigration or citizenship
status anywhere (040(k)); place of birth kept apart, for English Language Learner services only."""

from django.db import models


class School(models.Model):
    name = models.CharField(max_length=120, unique=True)
    district = models.CharField(max_length=60, default="Cambridge")

    def __str__(self) -> str:
        return self.name


class Guardian(models.Model):
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    home_address = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.full_name


class Student(models.Model):
    first_name = models.CharField(max_length=120)
    last_name = models.CharField(max_length=120)
    birth_date = models.DateField(null=True, blank=True)
    grade = models.PositiveSmallIntegerField()
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    guardians = models.ManyToManyField(Guardian, related_name="students", blank=True)
    home_address = models.CharField(max_length=300, blank=True)
    english_learner = models.BooleanField(default=False)
    extra = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["school", "grade"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Enrollment(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    school = models.ForeignKey(School, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=[("active", "active"), ("withdrawn", "withdrawn")],
                              default="active")
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "year"], name="one_enrollment_per_year")]


class EllProfile(models.Model):
    """English Language Learner services: place of birth is collected for this purpose only."""

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="ell")
    country_of_birth = models.CharField(max_length=2)
    home_language = models.CharField(max_length=40)
