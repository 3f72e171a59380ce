"""The platform's WSGI application; the header X-Bench-Audit: naive|sealed chooses the audit append
for that request, so one pair of app processes serves both sides of the comparison."""

import importlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")

from gaoxin.wsgi import application as platform  # noqa: E402

# Imported once Django is set up (it reads the models).
naive = importlib.import_module("audit_naive")
naive.install()


def application(environ, start_response):
    naive.use_in_this_thread(environ.get("HTTP_X_BENCH_AUDIT", "sealed"))
    return platform(environ, start_response)
