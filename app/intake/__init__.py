"""Receiving applications: AINs, form validation, documents, submission and resubmission."""
