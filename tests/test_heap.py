"""The worker's start-up objects are frozen: a full collection no longer walks them."""
import gc

from app.heap import freeze_startup_heap


def test_freezing_moves_the_startup_heap_out_of_collections():
    try:
        frozen = freeze_startup_heap()
        assert frozen == gc.get_freeze_count() > 10_000  # the test process: pytest, the app's modules
        tracked_after = len(gc.get_objects())
        assert tracked_after < frozen  # what a full collection still walks
        garbage = [[]]
        garbage[0].append(garbage)  # a cycle made after the freeze is still collected
        del garbage
        assert gc.collect() >= 2
    finally:
        gc.unfreeze()
