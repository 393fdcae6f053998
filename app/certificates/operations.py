"""Certificate use cases: issue (render → sign → UIN taken → store) and the receipt.

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
from ..models.geography import load_with_ancestors
from ..observability import metrics
from ..storage import storage_for
from . import pki, statuslist
from .context import acknowledgement_context, acknowledgement_images, certificate_context, certificate_images
from .qrkeys import NoQrKey, load_signing_key
from .render import TemplateError, TemplateSet
from .signing import SigningOptions, load_pkcs11_signer, load_pkcs12_signer, sign_pdf, signer_name
from .templates import ACKNOWLEDGEMENT, certificate_template_name, templates_for
from .timefmt import ist
from .uin import next_uin, reserve_uin, try_claim_uin


class CertificateError(Exception):
    """The certificate cannot be issued (already issued, no signing key…)."""


class NoSigningKey(CertificateError):
    """No usable key for the approving officer, the office or the default (or it cannot be opened)."""


class SigningFailed(CertificateError):
    """The key was found but signing failed (token error, time-stamping authority unreachable…)."""


def _get(settings, key, default=None):
    return settings.get(key, default) if settings is not None else default


class TemplateMissing(CertificateError):
    """The application's version has no usable certificate template (or it does not compile)."""


#: Re-renders allowed when another approval took the UIN this one was rendered with.
UIN_ATTEMPTS = 5


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
                          templates: TemplateSet, office=None, role: str | None = None,
                          status_entry: tuple[str, int] | None = None) -> bytes:
    """Render the version's template (Typst, PDF/A-2b) and sign it. No database access (the bench
    calls it). ``office``/``role``: the approving posting (printed as the signatory's);
    ``status_entry``: ``(status list, index)`` signed into the QR (statuslist.allocate)."""
    context = certificate_context(application, officer_user, uin, now, settings, status_entry,
                                  office=office, role=role)
    try:
        pdf = templates.render(certificate_template_name(application.service.key), context,
                               certificate_images(context, settings), timestamp=now)
    except TemplateError as exc:
        raise TemplateMissing(str(exc)) from exc
    # The UIN in /Reason lets the verifier name the certificate even when the file was altered.
    options = SigningOptions(visible=bool(_get(settings, "SIGNING_VISIBLE", False)),
                             timestamp_url=_get(settings, "SIGNING_TIMESTAMP_URL"),
                             reason=f"Certificate {uin} issued")
    try:
        return sign_pdf(pdf, signer, options, timestamper=_get(settings, "SIGNING_TIMESTAMPER"))
    except Exception as exc:  # noqa: BLE001  (pyHanko, PKCS#11 and TSA errors alike)
        raise SigningFailed(f"signing {uin} failed: {type(exc).__name__}: {exc}") from exc


def issue_certificate(session, application, officer_user, now: datetime, settings,
                      office=None, role: str | None = None) -> Certificate:
    """Issue the signed certificate of an approved application.

    The UIN counter row is not locked while rendering and signing: the next serial is read
    without a lock (on PostgreSQL reserved, so a concurrent approval renders with the one after it,
    :func:`.uin.reserve_uin`), the certificate rendered and signed with it, and only then is the
    serial taken with a compare-and-set (``UPDATE … WHERE value = seen RETURNING``,
    :func:`.uin.claim_uin`). If another approval took that number meanwhile, the certificate is
    rendered again with the next one (rare: an approval that reserved a number rolled back); a lost
    claim is rolled back to its savepoint, so nothing of the counter row is held while rendering
    again. After :data:`UIN_ATTEMPTS` lost races the serial is taken under the row lock and the
    certificate rendered once more (certain to succeed). The row lock is otherwise held only from
    the claim to the commit of the approval; a rollback still gives the number back (gap-free).

    :param session: SQLAlchemy session; this flushes, the caller commits.
    :param application: the approved :class:`Application` (``data`` holds the form fields).
    :param officer_user: the approving officer (:class:`User`), recorded as ``issued_by``.
    :param now: ``app.clock.now()`` of the action (aware UTC); the UIN's year is the IST year.
    :param settings: the app config (``DATA_DIR``, ``PUBLIC_BASE_URL``, ``QR_VERSION``,
        ``SIGNING_*``) or any mapping with those keys.
    :param office: the office of the posting that approved (default: the processing office);
        its name is printed as the issuing office and its key may sign.
    :param role: that posting's role (its designation is printed).
    :raises CertificateError: when the application already has a valid certificate;
        :class:`NoSigningKey` when no key can be used; :class:`SigningFailed` when signing fails;
        :class:`TemplateMissing` when the version has no template that compiles.
    """
    existing = session.execute(select(Certificate.uin).where(
        Certificate.application_id == application.id, Certificate.status == "VALID")).first()
    if existing:
        raise CertificateError(f"application {application.ain} already has certificate {existing[0]}")
    service = application.service
    office = office if office is not None else application.processing_office
    signer = signer_for(officer_user, office, settings)
    try:
        load_signing_key(settings)
    except NoQrKey as exc:
        raise NoSigningKey(str(exc)) from exc
    try:
        templates = templates_for(application, certificate_template_name(service.key))
    except TemplateError as exc:
        raise TemplateMissing(str(exc)) from exc
    year = ist(now).year
    places = load_places(session, application)  # noqa: F841  (held: the identity map keeps rows weakly)
    entry = statuslist.allocate(session, application)
    started = time.perf_counter()
    for _attempt in range(UIN_ATTEMPTS):
        seen, uin = reserve_uin(session, service.department.code, service.service_code, year)
        pdf = build_certificate_pdf(application, officer_user, uin, now, settings, signer, templates,
                                    office=office, role=role, status_entry=entry)
        if try_claim_uin(session, service.department.code, service.service_code, year, seen):
            break  # else another approval took that serial: render again, holding nothing
    else:
        # Lost every optimistic race (many approvals of one service at the same moment): take the
        # next serial under the counter's row lock and render with it. Certain to succeed; only
        # this last resort holds the row while rendering.
        uin = next_uin(session, service.department.code, service.service_code, year)
        pdf = build_certificate_pdf(application, officer_user, uin, now, settings, signer, templates,
                                    office=office, role=role, status_entry=entry)
    metrics.CERTIFICATE_SECONDS.observe(time.perf_counter() - started)
    rel, sha = store_pdf(storage_for(settings), pdf)
    status_list, status_index = entry or (None, None)
    certificate = Certificate(uin=uin, application_id=application.id, service_id=service.id,
                              pdf_path=rel, pdf_sha256=sha, signer_name=signer_name(signer),
                              issued_at=now, issued_by_id=officer_user.id, status="VALID",
                              status_list=status_list, status_index=status_index,
                              issuing_office_id=getattr(office, "id", None))
    session.add(certificate)
    session.flush()
    return certificate


def load_places(session, application):
    """The applicant's location with its parents up to the state, in one recursive query
    (:func:`~app.models.geography.load_with_ancestors`): the certificate prints the place names and
    the status list is the district's."""
    location_id = getattr(application, "location_id", None)
    return None if location_id is None else load_with_ancestors(session, id=location_id)


def acknowledgement_pdf(application, settings=None, expected_at: datetime | None = None) -> bytes:
    """The submission receipt (AIN, service, applicant, documents, expected date, tracking QR),
    from the ``acknowledgement.typ`` of the application's version.

    Unsigned: it proves nothing the tracker does not show. ``expected_at`` is the SLA due date.
    """
    context = acknowledgement_context(application, settings, expected_at)
    try:
        templates = templates_for(application, ACKNOWLEDGEMENT)
        return templates.render(ACKNOWLEDGEMENT, context, acknowledgement_images(context, settings),
                                timestamp=application.submitted_at)
    except TemplateError as exc:
        raise TemplateMissing(str(exc)) from exc


def certificate_pdf(settings, certificate: Certificate) -> bytes:
    """The stored PDF. :raises NotFound: missing from the store. :raises StorageUnavailable: store down."""
    return storage_for(settings).get(certificate.pdf_path)
