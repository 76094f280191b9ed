import os

from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # status_guard, installed as docs/sql.md documents it: two lines in AppConfig.ready()
        from status_guard import Guard
        from status_guard.sql.hooks.django import install

        guard = Guard.default(audit=os.environ.get("SG_AUDIT", "memory:"))
        self.sg_hook = install(guard, scope=os.environ.get("SG_SCOPE", "schools"), monitor=os.environ.get("SG_MONITOR") == "1")
