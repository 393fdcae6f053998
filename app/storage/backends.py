"""The three storage backends behind one small interface (see the package docstring)."""
import hashlib
import logging
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from .. import clock
from ..errors import NotFound, StorageUnavailable
from ..extensions import db
from ..models import StoredBlob
from .files import private_dir, write_private

log = logging.getLogger("pravah.storage")
_KEY = re.compile(r"^[a-z]+(/[0-9a-f]{2})?/[0-9a-f]{64}(\.pdf)?$")
UNAVAILABLE = "Stored files cannot be reached just now. Please try again in a few minutes."


class BlobMissing(NotFound):
    """The store answers but has no such key (a file lost outside the application)."""
    code = "file_missing"


def _check_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Storage:
    """``put`` is idempotent (keys are content-addressed), ``get`` returns the bytes, ``check`` raises
    :class:`StorageUnavailable` when the store cannot be used. ``name`` is shown by /readyz."""
    name = "storage"

    def put(self, key: str, content: bytes) -> None:
        raise NotImplementedError

    def get(self, key: str) -> bytes:
        raise NotImplementedError

    def check(self) -> None:
        raise NotImplementedError


class FileStorage(Storage):
    """Files under one folder (``PRAVAH_DATA_DIR``): 0600 files in 0700 folders, written atomically."""
    name = "filesystem"

    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, key: str, content: bytes) -> None:
        target = self.root / _check_key(key)
        try:
            if not target.exists():
                write_private(target, content)
        except OSError as exc:
            log.error("storage: cannot write %s: %s", target, exc)
            raise StorageUnavailable(UNAVAILABLE) from exc

    def get(self, key: str) -> bytes:
        try:
            return (self.root / _check_key(key)).read_bytes()
        except FileNotFoundError as exc:
            raise BlobMissing("The stored file is missing.") from exc
        except OSError as exc:
            log.error("storage: cannot read %s: %s", key, exc)
            raise StorageUnavailable(UNAVAILABLE) from exc

    def check(self) -> None:
        try:
            private_dir(self.root)
            probe = self.root / ".ready"
            write_private(probe, b"ok")
            probe.unlink()
        except OSError as exc:
            raise StorageUnavailable(f"{self.root}: {exc}") from exc


class DatabaseStorage(Storage):
    """Rows of ``stored_blob`` in the application's own session: a blob commits or rolls back with
    the document or certificate row that names it (no orphans, nothing to share between hosts)."""
    name = "database"

    def put(self, key: str, content: bytes) -> None:
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(StoredBlob).values(key=_check_key(key), sha256=hashlib.sha256(content).hexdigest(),
                                         size=len(content), content=content, created_at=clock.now())
        try:
            db.session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
        except SQLAlchemyError as exc:
            log.error("storage: cannot write %s: %s", key, exc)
            raise StorageUnavailable(UNAVAILABLE) from exc

    def get(self, key: str) -> bytes:
        try:
            content = db.session.scalar(select(StoredBlob.content).where(StoredBlob.key == _check_key(key)))
        except SQLAlchemyError as exc:
            log.error("storage: cannot read %s: %s", key, exc)
            raise StorageUnavailable(UNAVAILABLE) from exc
        if content is None:
            raise BlobMissing("The stored file is missing.")
        return bytes(content)

    def check(self) -> None:
        try:
            db.session.execute(select(StoredBlob.key).limit(1)).all()
        except SQLAlchemyError as exc:
            db.session.rollback()
            raise StorageUnavailable(f"stored_blob: {type(exc).__name__}") from exc


class S3Storage(Storage):
    """An S3-compatible bucket (AWS, MinIO, Ceph…) through boto3; credentials the boto3 way
    (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, instance role…). boto3 is imported only when
    this backend is configured: web workers of the other backends do not pay for loading it."""
    name = "s3"

    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None):
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError
        self._errors_caught = (BotoCoreError, ClientError)
        self._client_error = ClientError
        self.bucket, self.prefix = bucket, prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                   config=Config(connect_timeout=3, read_timeout=10,
                                                 retries={"max_attempts": 2, "mode": "standard"}))

    def _error(self, key, exc):
        if isinstance(exc, self._client_error) and exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return BlobMissing("The stored file is missing.")
        log.error("storage: s3 %s/%s: %s", self.bucket, key, exc)
        return StorageUnavailable(UNAVAILABLE)

    def put(self, key: str, content: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + _check_key(key), Body=content)
        except self._errors_caught as exc:
            raise self._error(key, exc) from exc

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + _check_key(key))["Body"].read()
        except self._errors_caught as exc:
            raise self._error(key, exc) from exc

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except self._errors_caught as exc:
            raise StorageUnavailable(f"bucket {self.bucket}: {exc}") from exc


def build(settings) -> Storage:
    """The backend named by ``STORAGE_BACKEND`` (``PRAVAH_STORAGE``), or the database's default."""
    kind = settings.get("STORAGE_BACKEND") or (
        "database" if str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql") else "filesystem")
    if kind == "database":
        return DatabaseStorage()
    if kind == "filesystem":
        return FileStorage(Path(settings.get("DATA_DIR") or "instance"))
    if kind == "s3":
        if not settings.get("S3_BUCKET"):
            raise ValueError("PRAVAH_STORAGE=s3 needs PRAVAH_S3_BUCKET")
        return S3Storage(settings["S3_BUCKET"], prefix=settings.get("S3_PREFIX") or "",
                         endpoint_url=settings.get("S3_ENDPOINT_URL"), region=settings.get("S3_REGION"))
    raise ValueError(f"PRAVAH_STORAGE must be database, filesystem or s3, not {kind!r}")
