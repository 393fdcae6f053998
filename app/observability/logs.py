"""Logs as one JSON object per line, each carrying the request id.

The id comes from the caller's ``X-Request-Id`` when it is a sane token (a load balancer's or an
API client's), otherwise a fresh one; it is returned in ``X-Request-Id`` and printed with every log
line of the request, so one complaint can be followed through proxy, worker and database logs.
Every request also logs one ``pravah.access`` line (method, path, status, duration, endpoint).
``PRAVAH_LOG_FORMAT=json`` (the production default) or ``text``.
"""
import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone

from flask import g, has_request_context, request

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("pravah.access")
#: LogRecord attributes that are not "extra" fields
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        body = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if getattr(record, "request_id", None):
            body["request_id"] = record.request_id
        body.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, default=str, ensure_ascii=False)


def configure(log_format: str) -> None:
    """Install the JSON handler on the root logger once per process (text: leave logging as it is)."""
    root = logging.getLogger()
    if log_format != "json" or any(getattr(h, "pravah_json", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.pravah_json = True
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    for old in [h for h in root.handlers if type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _begin():
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if _SANE_ID.match(offered) else uuid.uuid4().hex
    g.log_started = time.perf_counter()


def _end(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-Id"] = request_id
    started = g.get("log_started")
    if started is not None:
        access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "request_id": request_id, "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1), "endpoint": request.endpoint})
    return response


def init_app(app) -> None:
    configure(app.config.get("LOG_FORMAT") or "text")
    app.before_request(_begin)
    app.after_request(_end)
