"""A minimal Django project, run under ASGI in a subprocess by test_frameworks.py."""
