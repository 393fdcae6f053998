"""Where the bytes of documents and certificate PDFs live, so that every web host reaches them.

One interface (:class:`app.storage.backends.Storage`: ``put``, ``get``, ``check``) and three backends:

- ``database`` — a content-addressed ``stored_blob`` table; the default when ``DATABASE_URL`` is
  PostgreSQL, so several hosts need nothing shared but the database, and a blob commits or rolls
  back with the row that names it;
- ``filesystem`` — files under ``PRAVAH_DATA_DIR`` (0600 in 0700 folders); the default for the
  embedded SQLite shape;
- ``s3`` — an S3-compatible bucket (boto3) when ``PRAVAH_STORAGE=s3``.

Keys are the same on every backend (``documents/<sha256>``, ``certificates/<sha256>.pdf``), so a
deployment can move between them by copying. Any failure to reach the store raises
:class:`app.errors.StorageUnavailable` (503 ``storage_unavailable``), never a bare 500.
"""
from .backends import BlobMissing, DatabaseStorage, FileStorage, Storage, build  # noqa: F401
from .files import private_dir, private_sqlite, write_private  # noqa: F401


def storage_for(settings) -> Storage:
    """The backend configured in ``settings`` (the app config): built once per config and kept there."""
    found = settings.get("STORAGE") if settings is not None else None
    if found is None:
        found = build(settings or {})
        if settings is not None and hasattr(settings, "__setitem__"):
            settings["STORAGE"] = found
    return found


def init_app(app) -> None:
    """Make the data folder private, the SQLite file 0600, and build the configured backend."""
    private_dir(app.config["DATA_DIR"])
    private_sqlite(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["STORAGE"] = build(app.config)
