"""Files only the service account reads: 0600 files in 0700 folders (documents, PDFs, SQLite, locks)."""
import os
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; tighten an existing ``path`` that is ours
    (never a sticky shared folder such as /tmp, never a parent that existed already)."""
    path = Path(path)
    if not path.is_dir():
        _make(path)
        return path
    info = path.stat()
    if info.st_uid == os.geteuid() and not info.st_mode & stat.S_ISVTX and stat.S_IMODE(info.st_mode) != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def _make(path: Path) -> None:
    if not path.parent.is_dir():
        _make(path.parent)   # mkdir(parents=True) would give the parents the default mode
    path.mkdir(exist_ok=True, mode=DIR_MODE)
    path.chmod(DIR_MODE)     # whatever the umask


def write_private(target: Path, content: bytes) -> None:
    """Write ``target`` atomically (temporary file + rename) as 0600 in a 0700 folder."""
    private_dir(target.parent)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")   # mkstemp creates 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def private_sqlite(url: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it gives its -wal/-shm files the same mode)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix):] in ("", ":memory:"):
        return
    path = Path(url[len(prefix):])
    private_dir(path.parent)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
    for extra in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists() and extra.stat().st_uid == os.geteuid():
            extra.chmod(FILE_MODE)

