"""Certificate use cases: issue (UIN → render → security layer → sign → store) and the receipt.

Called by the approval hook (engine service task ``issue_certificate``) and the API with an explicit
actor and clock value; never reads Flask globals; flushes, never commits. The PDF is stored under
the key ``certificates/<sha256>.pdf`` (app/storage) before the commit: with the database backend it
rolls back with the transaction; on a filesystem or S3 a rollback leaves an unreferenced orphan
(harmless, content-addressed). Either way the UIN serial returns to the counter.
"""
import hashlib
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from ..models.certificate import Certificate
from ..observability import metrics
from ..storage import storage_for
from . import pki, statuslist
from .context import acknowledgement_context, certificate_context
from .qrkeys import NoQrKey, load_signing_key
from .render import TEMPLATES_DIR, add_background, render_html, render_pdf
from .signing import SigningOptions, load_pkcs11_signer, load_pkcs12_signer, sign_pdf, signer_name
from .timefmt import ist
from .uin import next_uin


class CertificateError(Exception):
    """The certificate cannot be issued (already issued, no signing key…)."""


class NoSigningKey(CertificateError):
    """No usable key for the approving officer, the office or the default (or it cannot be opened)."""


class SigningFailed(CertificateError):
    """The key was found but signing failed (token error, time-stamping authority unreachable…)."""


def _get(settings, key, default=None):
    return settings.get(key, default) if settings is not None else default


def _templates_dir(settings) -> Path:
    dirs = _get(settings, "MODEL_DIRS") or {}
    return Path(dirs.get("certificate_templates") or TEMPLATES_DIR)


def data_dir(settings) -> Path:
    return Path(_get(settings, "DATA_DIR") or "instance")


def keys_dir(settings) -> Path:
    return Path(_get(settings, "SIGNING_KEYS_DIR") or data_dir(settings) / "keys")


def signer_for(officer_user, office, settings):
    """The signing key for an approval: PKCS#11 token when configured, else the officer's own
    PKCS#12 (``signers/user-<username>.p12``), else the office's (``office-<code>``), else
    ``default``. Loaded once per process (signing.py caches)."""
    module = _get(settings, "SIGNING_PKCS11_MODULE")
    if module:
        label = _get(settings, "SIGNING_PKCS11_KEY_LABEL") or pki.slug("user", officer_user.username)
        try:
            return load_pkcs11_signer(module, _get(settings, "SIGNING_PKCS11_TOKEN") or "pravah",
                                      _get(settings, "SIGNING_PKCS11_PIN"), label,
                                      _get(settings, "SIGNING_PKCS11_CERT"))
        except Exception as exc:  # noqa: BLE001  (any token error means: cannot sign)
            raise NoSigningKey(f"PKCS#11 key {label!r} cannot be used: {exc}") from exc
    directory = keys_dir(settings) / "signers"
    candidates = [pki.slug("user", getattr(officer_user, "username", "") or "")]
    if office is not None and getattr(office, "code", None):
        candidates.append(pki.slug("office", office.code))
    candidates.append("default")
    passphrase = _get(settings, "SIGNING_P12_PASSPHRASE", pki.DEMO_PASSPHRASE)
    for name in candidates:
        path = directory / f"{name}.p12"
        if path.exists():
            if passphrase is None:
                raise NoSigningKey("SIGNING_P12_PASSPHRASE is not set (PRAVAH_SIGNING_P12_PASSPHRASE)")
            try:
                return load_pkcs12_signer(path, passphrase)
            except Exception as exc:  # noqa: BLE001  (wrong passphrase, damaged file)
                raise NoSigningKey(f"{path} cannot be opened: {exc}") from exc
    raise NoSigningKey(f"no signing key in {directory} for {candidates} (run `flask signing init-demo`)")


def store_pdf(storage, pdf: bytes) -> tuple[str, str]:
    """Store the PDF under ``certificates/<sha256>.pdf``; returns (storage key, sha)."""
    sha = hashlib.sha256(pdf).hexdigest()
    key = f"certificates/{sha}.pdf"
    storage.put(key, pdf)
    return key, sha


def build_certificate_pdf(application, officer_user, uin: str, now: datetime, settings, signer,
                          status_entry: tuple[str, int] | None = None) -> bytes:
    """Render, lay the security background, sign. No database access (the bench calls it).

    :param status_entry: ``(status list, index)`` signed into the QR (statuslist.allocate).
    """
    templates = _templates_dir(settings)
    context = certificate_context(application, officer_user, uin, now, settings, status_entry)
    html = render_html(f"{application.service.key}.html", context, templates)
    pdf = add_background(render_pdf(html, base_url=templates), templates)
    # The UIN in /Reason lets the verifier name the certificate even when the file was altered.
    options = SigningOptions(visible=bool(_get(settings, "SIGNING_VISIBLE", False)),
                             timestamp_url=_get(settings, "SIGNING_TIMESTAMP_URL"),
                             reason=f"Certificate {uin} issued")
    try:
        return sign_pdf(pdf, signer, options, timestamper=_get(settings, "SIGNING_TIMESTAMPER"))
    except Exception as exc:  # noqa: BLE001  (pyHanko, PKCS#11 and TSA errors alike)
        raise SigningFailed(f"signing {uin} failed: {type(exc).__name__}: {exc}") from exc


def issue_certificate(session, application, officer_user, now: datetime, settings) -> Certificate:
    """Issue the signed certificate of an approved application.

    :param session: SQLAlchemy session; this flushes, the caller commits.
    :param application: the approved :class:`Application` (``data`` holds the form fields).
    :param officer_user: the approving officer (:class:`User`), recorded as ``issued_by``.
    :param now: ``app.clock.now()`` of the action (aware UTC); the UIN's year is the IST year.
    :param settings: the app config (``DATA_DIR``, ``PUBLIC_BASE_URL``, ``QR_VERSION``,
        ``SIGNING_*``) or any mapping with those keys.
    :raises CertificateError: when the application already has a valid certificate;
        :class:`NoSigningKey` when no key can be used; :class:`SigningFailed` when signing fails.
    """
    existing = session.execute(select(Certificate.uin).where(
        Certificate.application_id == application.id, Certificate.status == "VALID")).first()
    if existing:
        raise CertificateError(f"application {application.ain} already has certificate {existing[0]}")
    service = application.service
    signer = signer_for(officer_user, application.processing_office, settings)
    try:
        load_signing_key(settings)
    except NoQrKey as exc:
        raise NoSigningKey(str(exc)) from exc
    uin = next_uin(session, service.department.code, service.service_code, ist(now).year)
    entry = statuslist.allocate(session, application)
    started = time.perf_counter()
    pdf = build_certificate_pdf(application, officer_user, uin, now, settings, signer, entry)
    metrics.CERTIFICATE_SECONDS.observe(time.perf_counter() - started)
    rel, sha = store_pdf(storage_for(settings), pdf)
    status_list, status_index = entry or (None, None)
    certificate = Certificate(uin=uin, application_id=application.id, service_id=service.id,
                              pdf_path=rel, pdf_sha256=sha, signer_name=signer_name(signer),
                              issued_at=now, issued_by_id=officer_user.id, status="VALID",
                              status_list=status_list, status_index=status_index)
    session.add(certificate)
    session.flush()
    return certificate


def acknowledgement_pdf(application, settings=None, expected_at: datetime | None = None) -> bytes:
    """The submission receipt (AIN, service, applicant, documents, expected date, tracking QR).

    Unsigned: it proves nothing the tracker does not show. ``expected_at`` is the SLA due date.
    """
    templates = _templates_dir(settings)
    html = render_html("acknowledgement.html", acknowledgement_context(application, settings, expected_at),
                       templates)
    return add_background(render_pdf(html, base_url=templates), templates)


def certificate_pdf(settings, certificate: Certificate) -> bytes:
    """The stored PDF. :raises NotFound: missing from the store. :raises StorageUnavailable: store down."""
    return storage_for(settings).get(certificate.pdf_path)
