"""Text of a PDF as a reader copies it: poppler's ``pdftotext`` (what the issue's check uses)."""
import subprocess

from tests.certificates.conftest import need


def pdf_text(pdf: bytes) -> str:
    need("pdftotext")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
