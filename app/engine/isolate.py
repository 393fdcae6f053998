"""Run the checks of an uploaded model in a child process with a time and memory limit.

A deploy dry run evaluates the uploaded model's expressions. They are whitelisted and bounded
(:mod:`app.engine.expressions`), but a model can still be made slow on purpose (many branches,
large tables). The check therefore runs in a forked child: the web worker only waits on a pipe
(no GIL held, other requests go on), the child gets a CPU and address-space limit, and it is
killed when the wall-clock limit passes. Nothing the child does reaches the database: it gets
plain data and returns plain data.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import traceback

DEFAULT_SECONDS = 20.0
DEFAULT_EXTRA_MEMORY = 768 * 1024 * 1024


class CheckTimedOut(Exception):
    """The child ran past its limit and was killed."""


class CheckFailed(Exception):
    """The child died or raised something that is not a finding (a bug, or out of memory)."""


def _vm_size() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _child(conn, fn, args, kwargs, seconds, extra_memory):
    try:
        cpu = int(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        size = _vm_size()
        if size is not None and extra_memory:
            resource.setrlimit(resource.RLIMIT_AS, (size + extra_memory, size + extra_memory))
    except (ValueError, OSError):
        pass  # a platform without these limits still gets the wall-clock kill
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        try:
            conn.send(("raised", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("failed", "".join(traceback.format_exception_only(type(exc), exc)).strip()))
    finally:
        conn.close()


def run_limited(fn, *args, seconds: float = DEFAULT_SECONDS, extra_memory: int = DEFAULT_EXTRA_MEMORY,
                start_method: str = "fork", **kwargs):
    """``fn(*args, **kwargs)`` in a forked child; its return value, or its exception re-raised.

    ``start_method="spawn"`` starts a fresh interpreter instead (``fn`` and the arguments must
    pickle): for work a fork cannot do, e.g. Typst once the parent has used its thread pool.

    :raises CheckTimedOut: past ``seconds`` of wall-clock time (the child is killed).
    :raises CheckFailed: the child died (signal, memory limit) without an answer.
    """
    ctx = multiprocessing.get_context(start_method)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, seconds, extra_memory), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise CheckTimedOut(f"the checks took longer than {seconds:g} s")
        try:
            kind, value = parent.recv()
        except EOFError:
            raise CheckFailed("the checks stopped without an answer (too much memory or CPU?)") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if kind == "ok":
        return value
    if kind == "raised":
        raise value
    raise CheckFailed(value)


def isolation_available() -> bool:
    return hasattr(os, "fork")
