"""A demo PKI with ``cryptography``: root CA → "Class 3"-like intermediate → signing keys.

Real deployments load a Class 3 DSC (PKCS#12 from the CA, or a PKCS#11 token/HSM); this module only
makes keys that behave the same way for development, demos and tests. Layout under ``keys_dir``
(the app's ``instance/keys/``)::

    root.pem  root.key.pem  class3.pem  class3.key.pem   (CA keys unencrypted: demo only, mode 600)
    signers/<slug>.p12                                   (key + cert + chain, passphrase-protected)
    qr/signing.key.pem                                   (EC P-256 key that signs QR payloads, qrkeys.py)

Signer slugs: ``user-<username>`` for an officer, ``office-<code>`` for an office, ``default``.
"""
import datetime as dt
import os
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import qrkeys

DEMO_PASSPHRASE = "demo-signing-pass"
ROOT_NAME = "Pravah Demo Root CA"
INTERMEDIATE_NAME = "Pravah Demo Class 3 CA"


def slug(kind: str, name: str) -> str:
    """``user-<username>`` / ``office-<code>``, restricted to safe file-name characters."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _name(cn: str, org: str = "Pravah Demo PKI", ou: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"),
             x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "West Bengal"),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _cert(subject, issuer, public_key, issuer_key, days, ca: bool, path_len=None, now=None,
          leaf_usage=False):
    now = now or dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    if leaf_usage:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.EMAIL_PROTECTION, x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")]),
            critical=False)
    if issuer_key is not None:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def create_demo_ca(keys_dir: str | Path, force: bool = False) -> dict:
    """Create (or reuse) the demo root and Class 3 intermediate under ``keys_dir``."""
    keys_dir = Path(keys_dir)
    paths = {n: keys_dir / f"{n}.pem" for n in ("root", "class3")}
    key_paths = {n: keys_dir / f"{n}.key.pem" for n in ("root", "class3")}
    if not force and all(p.exists() for p in [*paths.values(), *key_paths.values()]):
        return {**paths, **{f"{n}_key": p for n, p in key_paths.items()}}
    keys_dir.mkdir(parents=True, exist_ok=True)
    root_key = ec.generate_private_key(ec.SECP384R1())
    root_name = _name(ROOT_NAME)
    root = _cert(root_name, root_name, root_key.public_key(), root_key, 3650, ca=True, path_len=1)
    mid_key = ec.generate_private_key(ec.SECP384R1())
    mid_name = _name(INTERMEDIATE_NAME, ou="Class 3")
    mid = _cert(mid_name, root_name, mid_key.public_key(), root_key, 1825, ca=True, path_len=0)
    for name, cert, key in (("root", root, root_key), ("class3", mid, mid_key)):
        paths[name].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_private(key_paths[name], _pem_key(key))
    return {**paths, **{f"{n}_key": p for n, p in key_paths.items()}}


def _load_ca(keys_dir: Path):
    def cert(n):
        return x509.load_pem_x509_certificate((keys_dir / f"{n}.pem").read_bytes())

    def key(n):
        return serialization.load_pem_private_key((keys_dir / f"{n}.key.pem").read_bytes(), None)
    return cert("root"), cert("class3"), key("class3")


#: Signing key types of the demo PKI (a deployment brings its own keys: any type pyHanko signs with).
KEY_TYPES = {
    "ec": lambda: ec.generate_private_key(ec.SECP256R1()),
    "rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


def issue_signer(keys_dir: str | Path, signer_slug: str, common_name: str, *,
                 organisation: str = "Government of West Bengal", unit: str | None = None,
                 passphrase: str = DEMO_PASSPHRASE, days: int = 730, force: bool = False,
                 key_type: str = "ec") -> Path:
    """Write ``signers/<signer_slug>.p12``: a signing key under the Class 3 CA.

    :param key_type: ``"ec"`` (ECDSA P-256, the default: ~0.1 ms a signature) or ``"rsa"``
        (RSA-2048, ~2.5 ms a signature here; what many Class 3 tokens hold) — docs/certificates.md.
    """
    if key_type not in KEY_TYPES:
        raise ValueError(f"key_type must be one of {sorted(KEY_TYPES)}, not {key_type!r}")
    keys_dir = Path(keys_dir)
    out = keys_dir / "signers" / f"{signer_slug}.p12"
    if out.exists() and not force:
        return out
    root, mid, mid_key = _load_ca(keys_dir)
    key = KEY_TYPES[key_type]()
    cert = _cert(_name(common_name, org=organisation, ou=unit), mid.subject, key.public_key(), mid_key,
                 days, ca=False, leaf_usage=True)
    blob = pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, [mid, root],
        serialization.BestAvailableEncryption(passphrase.encode()))
    _write_private(out, blob)
    return out


def init_demo(keys_dir: str | Path, signers=(), passphrase: str = DEMO_PASSPHRASE,
              force: bool = False, key_type: str = "ec") -> dict:
    """Demo CA plus one PKCS#12 per ``(slug, common_name, unit)``, a ``default`` office key and the
    QR signing key (``qr/signing.key.pem``; kept unless ``force``).

    :param signers: iterable of ``(slug, common_name, unit_or_None)``.
    :returns: ``{"root": Path, "class3": Path, "signers": {slug: Path}}``.
    """
    paths = create_demo_ca(keys_dir, force=force)
    qr_key = qrkeys.signing_key_path({"SIGNING_KEYS_DIR": keys_dir})
    if force or not qr_key.exists():
        qrkeys.create_key(qr_key)
    made = {"default": issue_signer(keys_dir, "default", "Pravah Demo Signing Office",
                                    passphrase=passphrase, force=force, key_type=key_type)}
    for signer_slug, common_name, unit in signers:
        made[signer_slug] = issue_signer(keys_dir, signer_slug, common_name, unit=unit,
                                         passphrase=passphrase, force=force, key_type=key_type)
    return {"root": paths["root"], "class3": paths["class3"], "signers": made}


def trust_root_pem(keys_dir: str | Path) -> bytes:
    """The demo root certificate (PEM), the trust anchor a verifier passes to ``verify_pdf``."""
    return (Path(keys_dir) / "root.pem").read_bytes()


def export_for_token(keys_dir: str | Path, signer_slug: str, passphrase: str = DEMO_PASSPHRASE,
                     out_dir: str | Path | None = None) -> tuple[Path, Path]:
    """Unpack ``signers/<slug>.p12`` into ``<slug>.key.pem`` (PKCS#8, for ``softhsm2-util --import``)
    and ``<slug>.chain.pem`` (certificate then chain, for ``SIGNING_PKCS11_CERT``)."""
    keys_dir = Path(keys_dir)
    out_dir = Path(out_dir or keys_dir / "token")
    key, cert, chain = pkcs12.load_key_and_certificates(
        (keys_dir / "signers" / f"{signer_slug}.p12").read_bytes(), passphrase.encode())
    key_path, chain_path = out_dir / f"{signer_slug}.key.pem", out_dir / f"{signer_slug}.chain.pem"
    _write_private(key_path, _pem_key(key))
    chain_path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain]))
    return key_path, chain_path
