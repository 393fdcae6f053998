from engine_helpers import built, calls, spec  # noqa: F401  (pytest fixtures)
