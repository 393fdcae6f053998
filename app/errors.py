"""Errors the operations raise; the API turns them into its error body, the pages into messages.

Each carries a machine ``code``, a plain-words ``message`` and, for bad input, ``fields``
(field path → why). ``status`` is the HTTP status the API uses.
"""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None, **extra):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return {"error": body}


class Invalid(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class TooMany(DomainError):
    status = 429
    code = "rate_limited"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    status = 415
    code = "unsupported_type"


class StorageUnavailable(DomainError):
    """The document/certificate store does not answer (disk, database or S3): try again later."""
    status = 503
    code = "storage_unavailable"
