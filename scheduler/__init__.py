"""The scheduler process: APScheduler jobs (timer sweep, notification dispatch…) behind a leader lock.

Web workers never start it. ``flask scheduler run`` is its own process (one per host if you like:
only the leader runs jobs, a standby takes over when the leader dies); ``flask serve`` runs it
in-process behind the same lock for development (:func:`scheduler.runner.start_in_process`).
Add a job with one line in :mod:`scheduler.jobs`. See docs/sla.md and docs/deploy.md.
"""
