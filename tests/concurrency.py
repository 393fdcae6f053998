"""Running one test function in several threads at once (concurrent writers, two clerks, workers)."""
import threading


def run_together(target, arguments, timeout: float = 60) -> None:
    """Start a thread per tuple in ``arguments`` (``target(*args)``), then wait for all of them,
    each at most ``timeout`` seconds. The caller collects results and errors in ``target``."""
    threads = [threading.Thread(target=target, args=tuple(args)) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
