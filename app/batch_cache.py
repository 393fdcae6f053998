"""Reference rows a batch job reads again and again, kept for the length of the job.

A timer sweep fires hundreds of instances, a batch per transaction; every commit expires what the
session loaded, so without this each escalation walked the location tree and looked up the same
offices and officers again (24 statements per timer, docs/performance.md). Inside
``with batch_cache():`` :func:`cached` keeps plain values (ids, codes, addresses — never ORM objects,
which a commit expires) for the length of the block; outside it, it simply loads.
"""
from contextlib import contextmanager

from .extensions import db

_KEY = "batch_cache"


@contextmanager
def batch_cache():
    """Keep :func:`cached` values on the current session until the block ends."""
    db.session.info[_KEY] = {}
    try:
        yield
    finally:
        db.session.info.pop(_KEY, None)


def cached(key, load):
    """``load()``, remembered under ``key`` while a :func:`batch_cache` block is open."""
    cache = db.session.info.get(_KEY)
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


_ROWS = "batch_rows"


@contextmanager
def batch_rows(**rows):
    """Rows a batch job has read for the current transaction, under the row locks it holds (the timer
    sweep: the claimed instances' open work items, the escalations already raised on them), so a
    reader may take them from here instead of asking again. Gone when the block ends."""
    db.session.info[_ROWS] = rows
    try:
        yield
    finally:
        db.session.info.pop(_ROWS, None)


def batch_row(name: str):
    """What :func:`batch_rows` holds under ``name`` (``None`` outside such a block)."""
    return db.session.info.get(_ROWS, {}).get(name)
