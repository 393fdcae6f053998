"""PAdES signatures with pyHanko: B-B, or B-T when a timestamp URL is configured.

Signers are loaded ONCE and cached (per PKCS#12 file and its mtime, or per PKCS#11 token+key):
``SimpleSigner.load_pkcs12`` re-parses the key on every call (~70 ms, CERT-NOTES). The visible
stamp uses pyHanko's default stamp font — a full Noto font would be subset on every signature.
Nothing may touch the PDF after signing (the signature must cover the whole file).
"""
import hashlib
import io
import threading
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter

from . import cmsder, loopsafe

#: Room for the CMS blob. Fixed, so pyHanko skips its dry-run signature to estimate it; a B-T
#: timestamp token with its chain adds a few kB.
BYTES_RESERVED = 16384
BYTES_RESERVED_TIMESTAMPED = 32768

_cache: dict = {}
_cache_lock = threading.Lock()

#: Visible stamp placement on A4 (points from bottom-left): above the officer's name block.
VISIBLE_BOX = (390, 120, 560, 165)


class SignedAttrsTemplate:
    """Signer mixin: PAdES signed attributes from a DER template made once per signer and digest
    algorithm.

    For a PAdES signature without CAdES extras pyHanko signs three attributes: content type, message
    digest and the ESS signing-certificate-v2 (a hash of the certificate). Only the message digest
    changes between documents, yet asn1crypto rebuilds and re-encodes the whole set (with the
    certificate's issuer/serial) for every signature: about half of the signing time. The first
    signature builds the attributes through pyHanko; its DER, with the digest cut out, is kept
    and checked against a second build with another digest before it is used. Anything else
    (CAdES attributes, a non-PAdES or dry-run call, a custom attribute spec) goes through pyHanko.
    """

    _attr_templates: dict | None = None

    async def signed_attrs(self, data_digest, digest_algorithm, attr_settings=None, content_type="data",
                           use_pades=False, timestamper=None, dry_run=False, is_pdf_sig=True):
        plain = (use_pades and is_pdf_sig and not dry_run and content_type == "data"
                 and self.signed_attr_prov_spec is None
                 and (attr_settings is None or (attr_settings.cades_signed_attrs is None
                                                and attr_settings.adobe_revinfo_attr is None)))
        if not plain:
            return await super().signed_attrs(data_digest, digest_algorithm, attr_settings, content_type,
                                              use_pades, timestamper, dry_run, is_pdf_sig)
        templates = self._attr_templates
        if templates is None:
            templates = self._attr_templates = {}
        template = templates.get((digest_algorithm, len(data_digest)))
        if template is None:
            async def build(digest):
                attrs = await super(SignedAttrsTemplate, self).signed_attrs(
                    digest, digest_algorithm, attr_settings, content_type, use_pades, timestamper,
                    dry_run, is_pdf_sig)
                return attrs.dump()
            template = _attr_template(data_digest, await build(data_digest),
                                      await build(bytes(b ^ 0x5A for b in data_digest)))
            templates[(digest_algorithm, len(data_digest))] = template
        if template is False:  # the attributes did not depend on the digest alone
            return await super().signed_attrs(data_digest, digest_algorithm, attr_settings, content_type,
                                              use_pades, timestamper, dry_run, is_pdf_sig)
        prefix, suffix = template
        return cms.CMSAttributes.load(prefix + data_digest + suffix)

    _cms_templates: dict | None = None

    def _package_signature(self, *, digest_algorithm, cms_version, signed_attrs, signature, unsigned_attrs,
                           encap_content_info):
        """The SignedData container: pyHanko's for the first signature, then from its DER template
        (:mod:`.cmsder`) when only the signed attributes and the signature value change."""
        def by_pyhanko(sig=signature):
            return super(SignedAttrsTemplate, self)._package_signature(
                digest_algorithm=digest_algorithm, cms_version=cms_version, signed_attrs=signed_attrs,
                signature=sig, unsigned_attrs=unsigned_attrs, encap_content_info=encap_content_info)
        if unsigned_attrs is not None or encap_content_info not in (None, {"content_type": "data"}):
            # B-T (a timestamp token), or not a detached PDF signature
            return by_pyhanko()
        if self._cms_templates is None:
            self._cms_templates = {}
        key = (digest_algorithm, cms_version)
        template = self._cms_templates.get(key)
        if template is None:
            built = by_pyhanko()
            self._cms_templates[key] = _cms_template(built.dump(), signed_attrs.dump(), signature, by_pyhanko)
            return built
        if template is False:
            return by_pyhanko()
        return cms.ContentInfo.load(cmsder.assemble(template, signed_attrs.dump(), signature))


def _cms_template(der: bytes, attrs_der: bytes, signature: bytes, build):
    """The DER template of ``der`` if it rebuilds ``der`` exactly and also what ``build`` gives for
    a signature value of another length (so the lengths are recomputed right); else False."""
    template = cmsder.template_from(der)
    if template is None or cmsder.assemble(template, attrs_der, signature) != der:
        return False
    other = signature + bytes(200)
    return template if cmsder.assemble(template, attrs_der, other) == build(other).dump() else False


def _attr_template(digest: bytes, der: bytes, other_der: bytes):
    """``(prefix, suffix)`` around the one occurrence of ``digest`` in ``der``, if putting the other
    digest there gives ``other_der`` exactly; else False (never cache what varies otherwise)."""
    if der.count(digest) != 1:
        return False
    prefix, suffix = der.split(digest)
    other = bytes(b ^ 0x5A for b in digest)
    return (prefix, suffix) if prefix + other + suffix == other_der else False


class CachedKeySigner(SignedAttrsTemplate, signers.SimpleSigner):
    """``SimpleSigner`` that keeps the parsed private key: pyHanko's own ``sign_raw`` reloads it
    from DER on every signature (~35 ms for RSA-2048, as OpenSSL re-checks the key)."""

    _pyca_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from cryptography.hazmat.primitives.serialization import load_der_private_key
        from pyhanko.sign.general import get_pyca_cryptography_hash

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if self._pyca_key is None:
            self._pyca_key = load_der_private_key(self.signing_key.dump(), password=None)
        key = self._pyca_key
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, signature_algorithm=ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


class _SigningWriter(IncrementalPdfFileWriter):
    """The signing revision leaves the document information and XMP metadata as Typst wrote them.

    pyHanko otherwise re-parses and re-serialises the XMP packet (producer, modify date) twice per
    signature, ~20 % of the signing time. Typst's Info dictionary and XMP agree (PDF/A-2b requires
    it) and keep agreeing when neither is touched; the signing time is in the signature itself.
    """

    def _update_meta(self):
        pass


@dataclass(frozen=True)
class SigningOptions:
    visible: bool = False
    timestamp_url: str | None = None
    reason: str = "Certificate issued"
    location: str = "West Bengal, India"
    field_name: str = "PravahSignature"


def load_pkcs12_signer(path: str | Path, passphrase: str | bytes):
    """A cached :class:`SimpleSigner` for a PKCS#12 file (reloaded only when the file changes)."""
    path = Path(path)
    pw = passphrase.encode() if isinstance(passphrase, str) else passphrase
    # The passphrase is part of the key: a wrong one must fail even after a right one loaded the file.
    key = ("p12", str(path.resolve()), path.stat().st_mtime_ns, hashlib.sha256(pw or b"").hexdigest())
    signer = _cache.get(key)
    if signer is None:
        with _cache_lock:
            signer = _cache.get(key)
            if signer is None:
                loaded = signers.SimpleSigner.load_pkcs12(str(path), passphrase=pw)
                if loaded is None:
                    raise ValueError(f"cannot load signing key from {path}")
                signer = CachedKeySigner(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                                         cert_registry=loaded.cert_registry)
                _cache[key] = signer
    return signer


def load_pkcs11_signer(module: str, token_label: str, pin: str, key_label: str,
                       cert_file: str | Path | None = None):
    """A cached PKCS#11 signer (HSM or token); the session stays open for the process.

    :param cert_file: PEM with the signing certificate first, then its chain, when the token holds
        only the key; otherwise the certificate is read from the token under ``key_label``.
    """
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    key = ("p11", module, token_label, key_label, str(cert_file or ""))
    Pkcs11TemplateSigner = _pkcs11_signer_class()
    signer = _cache.get(key)
    if signer is None:
        with _cache_lock:
            signer = _cache.get(key)
            if signer is None:
                session = pkcs11.open_pkcs11_session(
                    module, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
                if cert_file:
                    certs = _load_pem_chain(Path(cert_file).read_bytes())
                    signer = Pkcs11TemplateSigner(session, key_label=key_label, signing_cert=certs[0],
                                                  ca_chain=certs[1:])
                else:
                    signer = Pkcs11TemplateSigner(session, key_label=key_label, cert_label=key_label)
                _cache[key] = signer
    return signer


@lru_cache(maxsize=1)
def _pkcs11_signer_class():
    from pyhanko.sign import pkcs11

    class Pkcs11TemplateSigner(SignedAttrsTemplate, pkcs11.PKCS11Signer):
        """The token's signer with the signed-attribute template (the key never leaves the token).

        ECDSA keys sign the digest with the raw ``CKM_ECDSA`` mechanism (the hash is computed here):
        every token has it, while ``CKM_ECDSA_SHA256`` is missing from some (SoftHSM 2.6 among them).
        """

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            if self.signing_cert is not None and self.signing_cert.public_key.algorithm == "ec":
                self.use_raw_mechanism = True
            return await super().async_sign_raw(data, digest_algorithm, dry_run)
    return Pkcs11TemplateSigner


def _load_pem_chain(data: bytes) -> list:
    from asn1crypto import pem, x509
    return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def clear_signer_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _timestamper(url: str | None):
    if not url:
        return None
    key = ("tsa", url)
    if key not in _cache:
        from pyhanko.sign.timestamps import HTTPTimeStamper
        _cache[key] = HTTPTimeStamper(url)
    return _cache[key]


def signer_name(signer) -> str:
    """Common name of the signing certificate."""
    return signer.signing_cert.subject.native.get("common_name", signer.signing_cert.subject.human_friendly)


def sign_pdf(pdf: bytes, signer, options: SigningOptions = SigningOptions(), timestamper=None) -> bytes:
    """Sign ``pdf`` (PAdES B-B, or B-T with a timestamper / ``options.timestamp_url``).

    :param signer: from :func:`load_pkcs12_signer` or :func:`load_pkcs11_signer`.
    :param timestamper: a pyHanko ``TimeStamper`` (tests pass a dummy one); else from the URL.
    """
    timestamper = timestamper or _timestamper(options.timestamp_url)
    meta = signers.PdfSignatureMetadata(
        field_name=options.field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=options.reason, location=options.location)
    spec = fields.SigFieldSpec(options.field_name, on_page=0,
                               box=VISIBLE_BOX if options.visible else None)
    stamp_style = None
    if options.visible:
        from pyhanko.stamp import TextStampStyle
        stamp_style = TextStampStyle(stamp_text="Digitally signed by %(signer)s\nDate: %(ts)s",
                                     border_width=0)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=stamp_style, new_field_spec=spec,
                                   timestamper=timestamper)
    writer = _SigningWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    reserved = BYTES_RESERVED_TIMESTAMPED if timestamper else BYTES_RESERVED
    loopsafe.run(lambda: pdf_signer.async_sign_pdf(writer, output=out, bytes_reserved=reserved))
    return out.getvalue()
