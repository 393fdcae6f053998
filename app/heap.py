"""The start-up heap of a web worker, kept out of the garbage collector's full passes.

A worker holds ~220,000 objects once the app is created (modules, SQLAlchemy mappers, the
SpiffWorkflow and Typst set-up, the catalogue). Python's full collection walks all of them: under
load one took 100–350 ms inside whichever request triggered it (about one per 15 lifecycles of
bench/load.py). None of them is garbage, so they are moved to the permanent generation once the
app exists; what requests allocate is collected as before.
"""
import gc


def freeze_startup_heap() -> int:
    """Collect once, then freeze what is left; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
