"""The platform's WSGI application, with the audit append chosen by GAOXIN_BENCH_AUDIT (naive|sealed)."""

import importlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")

from gaoxin.wsgi import application  # noqa: E402

# Imported once Django is set up (it reads the models).
importlib.import_module("audit_naive").install(os.environ.get("GAOXIN_BENCH_AUDIT", "sealed"))

__all__ = ["application"]
