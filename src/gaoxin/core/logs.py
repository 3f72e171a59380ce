"""Structured logs: one JSON object a line, carrying the request id the audit log records for the same
request, with 18-character identifiers (居民身份证号, 统一社会信用代码) and mobile numbers masked wherever they
appear, and one access line a request naming the route, never the path's values or the user's name."""

from __future__ import annotations

import json
import logging
import re
import time

from . import metrics
from .identifiers import mask_id_card
from .middleware import current_request_id

ID_18 = re.compile(r"(?<![0-9A-Za-z])[0-9A-Z]{17}[0-9A-Z](?![0-9A-Za-z])", re.IGNORECASE)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _mask_id(match: re.Match) -> str:
    code = match.group(0)
    return mask_id_card(code) if any(c.isdigit() for c in code) else code


def mask(text: str) -> str:
    """Mask identity numbers, credit codes and mobile numbers in free text."""
    text = ID_18.sub(_mask_id, text)
    return MOBILE.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            "message": mask(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in STANDARD and key not in entry:
                entry[key] = mask(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


access = logging.getLogger("gaoxin.access")


class AccessLogMiddleware:
    """One line a request: method, the route pattern (not the path with its numbers), status, duration
    and the user's numeric id. Sits inside RequestIdMiddleware so the line carries the request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        access.info(
            "%s %s %s",
            request.method,
            route_of(request),
            response.status_code,
            extra={
                "method": request.method,
                "route": route_of(request),
                "view": match.view_name if match else "",
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        metrics.observe_request(route_of(request), request.method, response.status_code, seconds)
        return response


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return "/" + (match.route or "")
