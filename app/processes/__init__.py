"""Glue between applications and the engine: instances, the work-item projection, service tasks."""
