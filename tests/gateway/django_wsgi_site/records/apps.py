from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "django_wsgi_site.records"

    def ready(self):
        from status_guard.sql.hooks.django import install

        from django_wsgi_site.guard import guard

        install(guard, scope="police")   # every statement checked, with the request's requester
