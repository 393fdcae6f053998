"""Calling pyHanko's synchronous API from any thread.

pyHanko's synchronous ``sign_pdf`` and ``validate_pdf_signature`` wrap coroutines in
``asyncio.run``, which refuses to start inside a thread that already runs an event loop (an async
server, a browser driver in the same process). There the call runs in a short-lived worker thread.
"""
import asyncio
from concurrent.futures import ThreadPoolExecutor


def call(fn, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(fn, *args, **kwargs).result()
