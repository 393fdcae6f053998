"""Settings from environment variables (``PRAVAH_*``, ``DATABASE_URL``), one class per environment."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


class Config:
    ENV_NAME = "development"
    TESTING = False

    def __init__(self):
        self.DATA_DIR = Path(os.environ.get("PRAVAH_DATA_DIR", ROOT / "instance")).resolve()
        dev = self.ENV_NAME != "production"
        #: Signs sessions and OTP hashes. Production refuses a missing, weak or repository value (app/safety).
        self.SECRET_KEY = os.environ.get("PRAVAH_SECRET_KEY") or ("dev-only-secret-change-me" if dev else "")
        #: Keys the Aadhaar HMAC; kept apart from SECRET_KEY so a leaked session key unmasks nothing.
        self.AADHAAR_KEY = os.environ.get("PRAVAH_AADHAAR_KEY") or ("dev-only-aadhaar-key-change-me" if dev else "")
        #: Wall-clock limit of an uploaded model's checks (build, DMN samples, dry run), in a child process.
        self.MODEL_CHECK_SECONDS = float(os.environ.get("PRAVAH_MODEL_CHECK_SECONDS") or 20)
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{self.DATA_DIR / 'pravah.db'}")
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        #: Length of one SLA "day" in seconds; compressed for demos and black-box tests.
        self.SLA_DAY_SECONDS = _int("PRAVAH_SLA_DAY_SECONDS", 86400)
        self.TIMER_SWEEP_SECONDS = _int("PRAVAH_TIMER_SWEEP_SECONDS", 30)
        #: Sweeper threads per scheduler run (each claims with SKIP LOCKED; a burst drains in parallel).
        self.TIMER_SWEEPERS = _int("PRAVAH_TIMER_SWEEPERS", 2)
        self.NOTIFY_BACKEND = os.environ.get("PRAVAH_NOTIFY_BACKEND", "console")
        self.DEMO_PASSWORD = os.environ.get("PRAVAH_DEMO_PASSWORD", "demo-pass-2026")
        self.PUBLIC_BASE_URL = os.environ.get("PRAVAH_PUBLIC_URL", "http://127.0.0.1:5000")
        #: Payment gateway for services with a fee (app/payments/gateway.py); unset = no online payment.
        self.PAYMENT_GATEWAY_URL = os.environ.get("PRAVAH_PAYMENT_GATEWAY_URL") or None
        self.PAYMENT_GATEWAY_SECRET = os.environ.get("PRAVAH_PAYMENT_GATEWAY_SECRET") or None
        self.PAYMENT_MERCHANT_ID = os.environ.get("PRAVAH_PAYMENT_MERCHANT_ID") or "PRAVAH"
        self.TOKEN_HOURS = _int("PRAVAH_TOKEN_HOURS", 12)
        self.MAX_UPLOAD_BYTES = _int("PRAVAH_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_BYTES + 64 * 1024
        self.MODEL_DIRS = {kind: ROOT / kind for kind in ("bpmn", "dmn", "forms", "certificate_templates")}
        #: Argon2id cost: (time cost, memory KiB); the library's defaults in production.
        self.PASSWORD_HASH_COST = (3, 65536)
        self._certificate_settings()
        self.SQLALCHEMY_TRACK_MODIFICATIONS = False
        self.JSON_SORT_KEYS = False


    def _certificate_settings(self) -> None:
        """Signing and QR settings (docs/certificates.md). ``SIGNING_KEYS_DIR`` None = ``<DATA_DIR>/keys``."""
        env = os.environ.get
        self.SIGNING_KEYS_DIR = Path(env("PRAVAH_SIGNING_KEYS_DIR")) if env("PRAVAH_SIGNING_KEYS_DIR") else None
        #: The demo passphrase outside production only; production must set PRAVAH_SIGNING_P12_PASSPHRASE.
        self.SIGNING_P12_PASSPHRASE = env("PRAVAH_SIGNING_P12_PASSPHRASE") or (
            None if self.ENV_NAME == "production" else "demo-signing-pass")
        self.SIGNING_VISIBLE = env("PRAVAH_SIGNING_VISIBLE", "").lower() in ("1", "true", "yes")
        #: RFC 3161 time-stamping authority → PAdES B-T; unset = B-B.
        self.SIGNING_TIMESTAMP_URL = env("PRAVAH_SIGNING_TIMESTAMP_URL") or None
        #: An HSM/token instead of PKCS#12 files (module path, token label, PIN, key label, PEM chain).
        for name in ("MODULE", "TOKEN", "PIN", "KEY_LABEL", "CERT"):
            setattr(self, f"SIGNING_PKCS11_{name}", env(f"PRAVAH_SIGNING_PKCS11_{name}") or None)
        #: PEM of the CA the verifier trusts (e.g. the licensed CA's root); unset = the demo root in the keys dir.
        self.SIGNING_TRUST_ROOT = env("PRAVAH_SIGNING_TRUST_ROOT") or None
        #: ``auto`` (qrcode picks the smallest version at EC M) or 1–40 (docs/qr-version.md).
        self.QR_VERSION = env("PRAVAH_QR_VERSION", "auto")

    def use_database(self, url: str) -> None:
        """Point at another database (tests use this for file SQLite or PostgreSQL)."""
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(url)
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)


class ProductionConfig(Config):
    ENV_NAME = "production"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self):
        super().__init__()
        self.use_database(os.environ.get("PRAVAH_TEST_DATABASE_URL") or "sqlite://")
        self.WTF_CSRF_ENABLED = False
        self.PASSWORD_HASH_COST = (1, 1024)
        self.RATELIMIT_ENABLED = False


def _normalise_db_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        from sqlalchemy.pool import StaticPool
        opts = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            opts["poolclass"] = StaticPool
        return opts
    return {"pool_pre_ping": True}


def from_environment() -> Config:
    env = os.environ.get("PRAVAH_ENV", "development")
    return {"production": ProductionConfig, "testing": TestingConfig}.get(env, Config)()
