"""What every HTTP request passes through before any blueprint sees it.

- the client's address behind a configured number of trusted proxies (werkzeug ``ProxyFix``), so
  rate limits tell clients behind a load balancer apart — and a client cannot pick its own address
  by sending ``X-Forwarded-For`` when no proxy is trusted;
- ``<int:…>`` in any route accepts only ids a database column can hold (up to 2^63 − 1): a larger
  number is a 404, never an overflow inside the database driver;
- JSON bodies: a size cap (413) and a nesting cap (400) before the parser recurses;
- NUL characters: PostgreSQL can neither store nor compare text holding one, so a JSON string with
  NUL is a 422 naming the field, a query or form value with NUL a 400, a path with NUL a 404;
- HSTS in production.
"""
from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .errors import Invalid
from .inputs import MAX_DB_ID, nul_paths

#: Deeper JSON than this is refused before parsing (no form or API body needs more than ~5).
MAX_JSON_DEPTH = 32


class DatabaseIdConverter(IntegerConverter):
    """``<int:x>``: 0 … 2^63 − 1, the range of a BIGINT primary key."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_DB_ID if max is None else max,
                         signed=signed)


def json_depth_exceeds(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets nest deeper than ``limit`` (strings skipped); linear, no recursion."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than :data:`MAX_JSON_DEPTH` (the standard parser
    recurses once per level and would otherwise end in a RecursionError, a 500)."""

    def loads(self, s, **kwargs):
        if json_depth_exceeds(s):
            raise BadRequest(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
        value = super().loads(s, **kwargs)
        if (b"\\u0000" if isinstance(s, bytes) else "\\u0000") in s:
            fields = nul_paths(value)
            if fields:
                raise Invalid("Text may not contain NUL characters.", fields=fields)
        return value


def _refuse_nul() -> None:
    """A NUL in the path (404), the query string or a posted form field (400): never a database error."""
    if "\x00" in request.path:
        raise NotFound()
    pairs = list(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        pairs += list(request.form.items(multi=True))
    # A multipart part without a name arrives with the key None.
    if any(isinstance(text, str) and "\x00" in text for pair in pairs for text in pair):
        raise BadRequest("Text may not contain NUL characters.")


def init_app(app) -> None:
    """Install the proxy fix, id converter, JSON limits and HSTS on ``app`` (call before blueprints)."""
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.json = BoundedJSONProvider(app)
    json_limit = int(app.config.get("MAX_JSON_BYTES", 256 * 1024))

    @app.before_request
    def _edge_checks():
        # Only uploads need MAX_CONTENT_LENGTH; a JSON body is small.
        if request.is_json:
            request.max_content_length = json_limit
        _refuse_nul()

    if app.config.get("ENV_NAME") == "production":
        max_age = int(app.config.get("HSTS_SECONDS", 31536000))

        @app.after_request
        def _hsts(response):
            response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
            return response

