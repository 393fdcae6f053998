"""Signing and verifying work from a thread that runs an event loop (pyHanko uses asyncio.run)."""
import asyncio

from app.certificates import loopsafe


def test_call_runs_asyncio_run_inside_a_running_loop():
    async def inner():
        return 42

    async def main():
        # A plain asyncio.run here would raise "cannot be called from a running event loop".
        return loopsafe.call(asyncio.run, inner())

    assert asyncio.run(main()) == 42


def test_call_outside_a_loop_calls_directly():
    assert loopsafe.call(lambda a, b=0: a + b, 1, b=2) == 3
