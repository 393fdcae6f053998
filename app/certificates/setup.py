"""Startup checks of the certificate settings (wired by ``create_app``)."""
from .qr import check_version_setting


def init_app(app) -> None:
    """Refuse to start with a malformed ``QR_VERSION`` (``PRAVAH_QR_VERSION``) rather than fail
    every approval later; a version too small for the signed URL is logged (docs/qr-version.md)."""
    check_version_setting(app.config)
