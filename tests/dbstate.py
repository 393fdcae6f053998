"""Putting the test database back to a known state between tests, cheaply.

Each test gets the same starting point as before this module existed — an empty schema
(``bare_app``) or the schema after ``flask deploy`` + ``flask demo seed`` (``app``), with identity
counters at their start — but reaching it costs milliseconds instead of a second:

* SQLite (in memory): the empty and the seeded database are each built once per run and copied into
  the test's connection with SQLite's online backup (a page copy), instead of ``create_all`` and
  re-inserting rows for every test.
* PostgreSQL: the schema is created once per run; after each test every table is emptied with
  ``DELETE`` (children first) and the owned sequences are set back to their start, in one round trip.
  ``TRUNCATE … RESTART IDENTITY`` did the same but gives every table and index a new file each time
  (about a second per test on a busy machine). If a ``DELETE`` cannot run (a foreign-key cycle),
  ``TRUNCATE`` is used. The MIS counts tables are emptied last (deleting applications counts them
  down through the triggers) and recounted after a restore.

The seeded state is cached per database kind and per *content* of the model directories (not their
path), so a test that deploys from a copy of the shipped files reuses it.
"""
import hashlib
import sqlite3

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import mis_triggers
from app.models.mis import COUNT_TABLES

MEMORY_URLS = ("sqlite://", "sqlite:///:memory:")
_schema_ready: set = set()
_sqlite_templates: dict = {}   # key → an in-memory sqlite3 connection holding that state
_seeded_rows: dict = {}        # key → rows of every table (PostgreSQL)
_sequences: dict = {}          # url → [(sequence, start)] owned by the tables


def is_memory(url: str) -> bool:
    return url in MEMORY_URLS


# ---- cache keys ---------------------------------------------------------------------------------

_file_digests: dict = {}


def _digest(path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _file_digests:
        _file_digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _file_digests[key]


def seed_key(app) -> tuple:
    """What the seeded state depends on: the database kind, the model files' names and contents,
    and the demo password."""
    files = tuple(sorted((kind, str(p.relative_to(d)), _digest(p))
                         for kind, d in app.config["MODEL_DIRS"].items() if d.is_dir()
                         for p in d.rglob("*") if p.is_file()))
    return (app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0], files, app.config.get("DEMO_PASSWORD"))


# ---- SQLite in memory: page copies ----------------------------------------------------------------

def _backup(source=None, target=None) -> None:
    """Copy ``source`` into ``target``; the app's own connection stands in for the one not given."""
    raw = db.engine.raw_connection()
    try:
        (source or raw.driver_connection).backup(target or raw.driver_connection)
    finally:
        raw.close()


def sqlite_load(key) -> bool:
    """Copy the cached database ``key`` into the app's in-memory database; False when not cached."""
    template = _sqlite_templates.get(key)
    if template is None:
        return False
    _backup(source=template)
    return True


def sqlite_save(key) -> None:
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    _backup(target=copy)
    _sqlite_templates[key] = copy


def sqlite_empty_schema() -> None:
    """The app's in-memory database gets the empty schema (``create_all`` once per run)."""
    key = ("schema",)
    if not sqlite_load(key):
        db.create_all()
        db.session.remove()
        sqlite_save(key)


# ---- PostgreSQL: schema once, DELETE + sequence reset after each test -----------------------------

def postgres_schema(url: str) -> None:
    """Drop and recreate all tables once per run of a shared (PostgreSQL) database."""
    if url in _schema_ready:
        return
    db.drop_all()
    db.create_all()
    _schema_ready.add(url)
    with db.engine.connect() as conn:
        _sequences[url] = conn.execute(text(
            "SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename), s.start_value "
            "FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname "
            "JOIN pg_depend d ON d.objid = c.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p') "
            "WHERE s.schemaname = current_schema()")).all()


def postgres_empty(url: str) -> None:
    """Every table empty and every table-owned sequence back at its start (what ``TRUNCATE …
    RESTART IDENTITY CASCADE`` gives), in one statement batch."""
    # the MIS counts last: deleting applications and SLA steps counts them down (triggers)
    deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)
                        if t.name not in COUNT_TABLES)
    deletes += "; " + "; ".join(f'DELETE FROM "{name}"' for name in COUNT_TABLES)
    resets = ", ".join(f"setval('{name}', {start}, false)" for name, start in _sequences.get(url, ()))
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(deletes + (f"; SELECT {resets}" if resets else ""))
    except DBAPIError:
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def take_rows():
    with db.engine.connect() as conn:
        return [(table, [dict(r) for r in conn.execute(table.select()).mappings()])
                for table in db.metadata.sorted_tables]


def restore_rows(rows) -> None:
    """Insert the rows taken, then recount the MIS counts from them (the triggers count rows as they
    go in, but an audit event restored before its application would be missed)."""
    with db.engine.begin() as conn:
        for table, data in rows:
            if data and table.name not in COUNT_TABLES:
                conn.execute(table.insert(), data)
                if conn.dialect.name == "postgresql" and "id" in table.c:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                      f"(SELECT max(id) FROM \"{table.name}\"))"))
        mis_triggers.rebuild(conn)
