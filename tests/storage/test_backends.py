"""The three storage backends keep and return the same bytes; failures are StorageUnavailable; files are private."""
import hashlib
import os
import stat
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import select, text

from app.errors import StorageUnavailable
from app.extensions import db
from app.models import StoredBlob
from app.storage import BlobMissing, DatabaseStorage, FileStorage, private_sqlite
from app.storage.backends import S3Storage, build
from tests.scheduler.live import free_port

CONTENT = b"%PDF-1.4 stored bytes\n"
KEY = f"certificates/{hashlib.sha256(CONTENT).hexdigest()}.pdf"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_filesystem_keeps_files_0600_in_0700_folders(tmp_path):
    storage = FileStorage(tmp_path / "data")
    doc_key = f"documents/ab/{'ab' * 32}"
    storage.put(doc_key, CONTENT)
    storage.put(doc_key, CONTENT)   # idempotent
    assert storage.get(doc_key) == CONTENT
    stored = tmp_path / "data" / doc_key
    assert mode(stored) == 0o600
    assert mode(stored.parent) == mode(stored.parent.parent) == 0o700
    assert not list(stored.parent.glob("*.part"))


def test_filesystem_missing_and_unwritable(tmp_path):
    storage = FileStorage(tmp_path / "data")
    with pytest.raises(BlobMissing):
        storage.get(KEY)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "certificates").write_text("a file where a folder should be")
    with pytest.raises(StorageUnavailable) as caught:
        storage.put(KEY, CONTENT)
    assert caught.value.status == 503 and caught.value.code == "storage_unavailable"
    with pytest.raises(StorageUnavailable):
        storage.get(KEY)


def test_keys_outside_the_layout_are_refused(tmp_path):
    with pytest.raises(ValueError):
        FileStorage(tmp_path).put("../../etc/passwd", CONTENT)


def test_sqlite_database_file_is_created_0600(tmp_path):
    private_sqlite(f"sqlite:///{tmp_path / 'db' / 'pravah.db'}")
    assert mode(tmp_path / "db" / "pravah.db") == 0o600
    assert mode(tmp_path / "db") == 0o700


def test_the_app_makes_its_data_dir_and_sqlite_file_private(tmp_path):
    from app import create_app
    from app.config import TestingConfig
    config = TestingConfig()
    config.DATA_DIR = tmp_path / "data"
    config.use_database(f"sqlite:///{tmp_path / 'data' / 'pravah.db'}")
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.session.execute(select(StoredBlob.key)).all()
        db.session.remove()
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "pravah.db") == 0o600
    assert app.config["STORAGE"].name == "filesystem"


def test_database_backend_round_trip_rolls_back_with_the_transaction(bare_app):
    storage = DatabaseStorage()
    with bare_app.app_context():
        storage.put(KEY, CONTENT)
        storage.put(KEY, CONTENT)   # a second put of the same content is a no-op, not a conflict
        assert storage.get(KEY) == CONTENT
        db.session.rollback()
        with pytest.raises(BlobMissing):
            storage.get(KEY)
        storage.put(KEY, CONTENT)
        db.session.commit()
        row = db.session.get(StoredBlob, KEY)
        assert (row.size, row.sha256) == (len(CONTENT), hashlib.sha256(CONTENT).hexdigest())
        storage.check()


def test_postgresql_keeps_blob_bytes_uncompressed(bare_app):
    """PDFs and images are compressed already: TOAST must not try again (it cost ~4 ms a certificate)."""
    with bare_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL storage setting")
        storage = db.session.scalar(text("SELECT attstorage FROM pg_attribute "
                                         "WHERE attrelid = 'stored_blob'::regclass AND attname = 'content'"))
    assert storage == "e"   # EXTERNAL: out of line, never compressed


def test_build_picks_the_database_on_postgresql_and_files_on_sqlite(tmp_path):
    assert build({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x/y"}).name == "database"
    assert build({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db", "DATA_DIR": tmp_path}).name == "filesystem"
    assert build({"STORAGE_BACKEND": "filesystem", "SQLALCHEMY_DATABASE_URI": "postgresql://x/y",
                  "DATA_DIR": tmp_path}).name == "filesystem"
    with pytest.raises(ValueError):
        build({"STORAGE_BACKEND": "s3"})   # no bucket named


@pytest.fixture(scope="module")
def fake_s3():
    """moto's S3 server on a free local port (no internet)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_s3_backend_against_a_local_fake_s3(fake_s3):
    storage = build({"STORAGE_BACKEND": "s3", "S3_BUCKET": "pravah-docs", "S3_PREFIX": "district-x",
                     "S3_ENDPOINT_URL": fake_s3, "S3_REGION": "ap-south-1"})
    assert isinstance(storage, S3Storage)
    with pytest.raises(StorageUnavailable):
        storage.check()   # the bucket does not exist yet
    storage.client.create_bucket(Bucket="pravah-docs",
                                 CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    storage.check()
    storage.put(KEY, CONTENT)
    assert storage.get(KEY) == CONTENT
    listed = storage.client.list_objects_v2(Bucket="pravah-docs")["Contents"]
    assert [o["Key"] for o in listed] == [f"district-x/{KEY}"]
    with pytest.raises(BlobMissing):
        storage.get(f"documents/ab/{'ab' * 32}")


def test_s3_unreachable_is_storage_unavailable():
    storage = S3Storage("pravah-docs", endpoint_url=f"http://127.0.0.1:{free_port()}", region="ap-south-1")
    with pytest.raises(StorageUnavailable):
        storage.put(KEY, CONTENT)
    with pytest.raises(StorageUnavailable):
        storage.get(KEY)


def test_existing_parents_and_sticky_folders_are_left_alone(tmp_path):
    from app.storage import private_dir
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o1777)   # like /tmp
    private_dir(shared)
    assert mode(shared) == 0o1777
    parent = tmp_path / "srv"
    parent.mkdir()
    parent.chmod(0o755)
    private_dir(parent / "pravah" / "data")
    assert mode(parent) == 0o755
    assert mode(parent / "pravah") == mode(parent / "pravah" / "data") == 0o700
