"""MIS reports: counts and SLA figures within the caller's jurisdiction (``/api/v1/reports/...``)."""
