"""Calling pyHanko's API from any thread.

pyHanko's synchronous ``sign_pdf`` and ``validate_pdf_signature`` wrap coroutines in
``asyncio.run``, which refuses to start inside a thread that already runs an event loop (an async
server, a browser driver in the same process). There the call runs in a short-lived worker thread.

:func:`run` awaits pyHanko's coroutine on an event loop kept per thread (and per process, for
forked workers) instead: ``asyncio.run`` opens and closes a new loop — a selector and a socket
pair — for every signature (~0.2 ms).
"""
import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

_local = threading.local()


def call(fn, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _thread_loop() -> asyncio.AbstractEventLoop:
    owner, loop = getattr(_local, "loop", (None, None))
    if loop is None or owner != os.getpid() or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = (os.getpid(), loop)
    return loop


def run(make_coroutine):
    """The result of the coroutine ``make_coroutine()`` makes, awaited on this thread's own loop
    (in a worker thread with ``asyncio.run`` when this thread already runs a loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _thread_loop().run_until_complete(make_coroutine())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
