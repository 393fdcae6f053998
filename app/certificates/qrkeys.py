"""The deployment's QR signing key (EC P-256, ES256) and the public key set a verifier trusts.

Layout (docs/qr-payload.md, "Keys and rotation")::

    QR_SIGNING_KEY            PEM private key (PKCS#8); default <SIGNING_KEYS_DIR>/qr/signing.key.pem
    QR_PREVIOUS_KEYS          directory of PEM public keys still trusted; default <SIGNING_KEYS_DIR>/qr/previous

The key id (``kid``) is derived from the public key itself: the first 8 bytes of its RFC 7638 JWK
thumbprint (SHA-256), so nothing else has to be stored or kept in step. The JWK ``kid`` is those
bytes in base64url; the COSE header carries the raw bytes.
"""
import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KID_BYTES = 8


class NoQrKey(Exception):
    """No QR signing key is installed (``flask signing init-demo`` or ``PRAVAH_QR_SIGNING_KEY``)."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _xy(public_key: ec.EllipticCurvePublicKey) -> tuple[bytes, bytes]:
    numbers = public_key.public_numbers()
    return numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")


def kid_of(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """First 8 bytes of the RFC 7638 thumbprint: SHA-256 of the required members, sorted, no spaces."""
    x, y = _xy(public_key)
    canonical = json.dumps({"crv": "P-256", "kty": "EC", "x": b64url(x), "y": b64url(y)},
                           separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode("ascii")).digest()[:KID_BYTES]


def jwk_of(public_key: ec.EllipticCurvePublicKey) -> dict:
    x, y = _xy(public_key)
    return {"kid": b64url(kid_of(public_key)), "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig",
            "x": b64url(x), "y": b64url(y)}


@dataclass(frozen=True)
class QrKey:
    private_key: ec.EllipticCurvePrivateKey
    kid: bytes


def _setting(settings, key):
    return settings.get(key) if settings is not None and hasattr(settings, "get") else None


def qr_dir(settings) -> Path:
    keys = _setting(settings, "SIGNING_KEYS_DIR")
    data = _setting(settings, "DATA_DIR") or "instance"
    return Path(keys or Path(data) / "keys") / "qr"


def signing_key_path(settings) -> Path:
    configured = _setting(settings, "QR_SIGNING_KEY")
    return Path(configured) if configured else qr_dir(settings) / "signing.key.pem"


def previous_keys_dir(settings) -> Path:
    configured = _setting(settings, "QR_PREVIOUS_KEYS")
    return Path(configured) if configured else qr_dir(settings) / "previous"


_cache: dict = {}
_lock = threading.Lock()


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def sample_key() -> QrKey:
    """A throwaway key, made once per process, for sample renders (upload checks, studio previews):
    a template is checked on a machine that may have no QR key yet (``flask deploy`` runs first)."""
    with _lock:
        if "sample" not in _cache:
            key = ec.generate_private_key(ec.SECP256R1())
            _cache["sample"] = QrKey(key, kid_of(key.public_key()))
        return _cache["sample"]


def load_signing_key(settings) -> QrKey:
    """The current key, parsed once per process (reloaded when the file changes)."""
    path = signing_key_path(settings)
    mtime = _mtime(path)
    if mtime is None:
        raise NoQrKey(f"no QR signing key at {path} (run `flask signing init-demo`, or set PRAVAH_QR_SIGNING_KEY)")
    cached = _cache.get(("private", path))
    if cached and cached[0] == mtime:
        return cached[1]
    with _lock:
        key = serialization.load_pem_private_key(path.read_bytes(), None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise NoQrKey(f"{path} is not an EC P-256 private key")
        found = QrKey(key, kid_of(key.public_key()))
        _cache[("private", path)] = (mtime, found)
        return found


def public_keys(settings) -> list[ec.EllipticCurvePublicKey]:
    """The current public key first, then every previous one (``*.pem`` in the previous-keys dir)."""
    keys = []
    try:
        keys.append(load_signing_key(settings).private_key.public_key())
    except NoQrKey:
        pass
    directory = previous_keys_dir(settings)
    if directory.is_dir():
        for path in sorted(directory.glob("*.pem")):
            key = serialization.load_pem_public_key(path.read_bytes())
            if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1":
                keys.append(key)
    return keys


def key_set(settings) -> dict:
    """The JWK Set served at ``/.well-known/pravah-keys.json`` and embedded in the verify page.

    Built once per process and rebuilt when the key file or the previous-keys directory changes
    (the verify page is a hot public path)."""
    directory = previous_keys_dir(settings)
    path = signing_key_path(settings)
    stamp = ("set", str(path), _mtime(path), str(directory), _mtime(directory))
    cached = _cache.get(stamp)
    if cached is not None:
        return cached
    seen, out = set(), []
    for key in public_keys(settings):
        jwk = jwk_of(key)
        if jwk["kid"] not in seen:
            seen.add(jwk["kid"])
            out.append(jwk)
    _cache[stamp] = {"keys": out}
    return _cache[stamp]


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def create_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    _write_private(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return key


def ensure_demo_key(settings) -> Path:
    """Create the QR key when missing (``flask signing init-demo``); an existing key is kept."""
    path = signing_key_path(settings)
    if not path.exists():
        create_key(path)
    return path


def rotate(settings) -> tuple[str | None, str]:
    """Keep the current public key under the previous-keys dir, then make a new current key.

    :returns: (old kid or None, new kid), as in the JWK Set.
    """
    path = signing_key_path(settings)
    old = None
    if path.exists():
        current = load_signing_key(settings)
        old = b64url(current.kid)
        directory = previous_keys_dir(settings)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{old}.pem").write_bytes(current.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    new = create_key(path)
    return old, b64url(kid_of(new.public_key()))
