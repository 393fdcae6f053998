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
        #: Sweeper processes every `flask scheduler run` starts besides its leader duties; they sweep on
        #: every host, leader or standby (processes: threads share one GIL).
        self.TIMER_SWEEP_PROCESSES = _int("PRAVAH_TIMER_SWEEP_PROCESSES", 0)
        #: Due instances one sweeper claims per transaction (row locks held until the batch commits).
        self.TIMER_CLAIM_BATCH = _int("PRAVAH_TIMER_CLAIM_BATCH", 20)
        self.NOTIFY_BACKEND = os.environ.get("PRAVAH_NOTIFY_BACKEND", "console")
        self.DEMO_PASSWORD = os.environ.get("PRAVAH_DEMO_PASSWORD", "demo-pass-2026")
        #: QR, receipt and SMS links; by default the address `make run` (`flask serve`) listens on.
        self.PUBLIC_BASE_URL = (os.environ.get("PRAVAH_PUBLIC_URL")
                                or f"http://127.0.0.1:{os.environ.get('PORT') or 5000}").rstrip("/")
        #: Payment gateway for services with a fee (app/payments/gateway.py); unset = no online payment.
        self.PAYMENT_GATEWAY_URL = os.environ.get("PRAVAH_PAYMENT_GATEWAY_URL") or None
        self.PAYMENT_GATEWAY_SECRET = os.environ.get("PRAVAH_PAYMENT_GATEWAY_SECRET") or None
        self.PAYMENT_MERCHANT_ID = os.environ.get("PRAVAH_PAYMENT_MERCHANT_ID") or "PRAVAH"
        self.TOKEN_HOURS = _int("PRAVAH_TOKEN_HOURS", 12)
        self.MAX_UPLOAD_BYTES = _int("PRAVAH_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
        #: All the documents of one application together (the apply page posts them at once).
        self.MAX_APPLICATION_UPLOAD_BYTES = _int("PRAVAH_MAX_APPLICATION_UPLOAD_BYTES", 20 * 1024 * 1024)
        self.MAX_CONTENT_LENGTH = max(self.MAX_UPLOAD_BYTES, self.MAX_APPLICATION_UPLOAD_BYTES) + 256 * 1024
        #: JSON bodies above this are refused with 413 (uploads are multipart and use MAX_UPLOAD_BYTES).
        self.MAX_JSON_BYTES = _int("PRAVAH_MAX_JSON_BYTES", 256 * 1024)
        #: How many reverse proxies (load balancer, nginx) stand in front and set X-Forwarded-For/-Proto.
        self.TRUSTED_PROXIES = _int("PRAVAH_TRUSTED_PROXIES", 0)
        self.HSTS_SECONDS = _int("PRAVAH_HSTS_SECONDS", 31536000)
        self._session_settings()
        self.MODEL_DIRS = {kind: ROOT / kind for kind in ("bpmn", "dmn", "forms", "certificate_templates")}
        #: Argon2id cost: (time cost, memory KiB); the library's defaults in production.
        self.PASSWORD_HASH_COST = (3, 65536)
        self._certificate_settings()
        self._storage_settings()
        self.SQLALCHEMY_TRACK_MODIFICATIONS = False
        self.JSON_SORT_KEYS = False


    def _storage_settings(self) -> None:
        """Where documents and certificate PDFs are kept (docs/deploy.md): ``database`` (default on
        PostgreSQL), ``filesystem`` (default on SQLite) or ``s3``."""
        env = os.environ.get
        self.STORAGE_BACKEND = env("PRAVAH_STORAGE") or None
        self.S3_BUCKET = env("PRAVAH_S3_BUCKET") or None
        self.S3_PREFIX = env("PRAVAH_S3_PREFIX", "")
        self.S3_ENDPOINT_URL = env("PRAVAH_S3_ENDPOINT_URL") or None
        self.S3_REGION = env("PRAVAH_S3_REGION") or None
        #: /readyz: a scheduler heartbeat older than this is stale; a timer due longer ago is overdue.
        self.SCHEDULER_STALE_SECONDS = _int("PRAVAH_SCHEDULER_STALE_SECONDS", 60)
        self.TIMER_OVERDUE_SECONDS = _int("PRAVAH_TIMER_OVERDUE_SECONDS", 300)
        #: ``json`` (one object per line, with the request id) or ``text``; json in production.
        self.LOG_FORMAT = env("PRAVAH_LOG_FORMAT") or ("json" if self.ENV_NAME == "production" else "text")

    def _session_settings(self) -> None:
        """Session and token lifetimes (docs/security.md): staff (any posting) shorter than citizens."""
        #: Minutes without a request after which a page session or login token ends.
        self.SESSION_IDLE_MINUTES = {"staff": _int("PRAVAH_STAFF_IDLE_MINUTES", 30),
                                     "citizen": _int("PRAVAH_CITIZEN_IDLE_MINUTES", 120)}
        #: Hours after login after which a session or token ends however active it is.
        self.SESSION_MAX_HOURS = {"staff": _int("PRAVAH_STAFF_SESSION_HOURS", 10),
                                  "citizen": _int("PRAVAH_CITIZEN_SESSION_HOURS", 24)}
        #: Seconds between purges of ended logins and rate-limit windows (app/accounts/purge.py).
        self.PURGE_SECONDS = _int("PRAVAH_PURGE_SECONDS", 600)
        #: Public lookups (track, certificate lookup, verify; pages and API) per client address per minute.
        self.PUBLIC_LOOKUPS_PER_MINUTE = _int("PRAVAH_PUBLIC_LOOKUPS_PER_MINUTE", 600)
        #: Documents one user may upload per day (IST calendar day).
        self.DAILY_UPLOAD_QUOTA = _int("PRAVAH_DAILY_UPLOAD_QUOTA", 200)

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
        #: ``auto`` (the smallest version that fits at EC M) or 1–40 (docs/qr-version.md).
        self.QR_VERSION = env("PRAVAH_QR_VERSION", "auto")
        #: EC P-256 PEM key that signs QR payloads; unset = <keys dir>/qr/signing.key.pem (docs/qr-payload.md).
        self.QR_SIGNING_KEY = env("PRAVAH_QR_SIGNING_KEY") or None
        #: Directory of PEM public keys of earlier QR keys, still published; unset = <keys dir>/qr/previous.
        self.QR_PREVIOUS_KEYS = env("PRAVAH_QR_PREVIOUS_KEYS") or None
        #: DigiLocker issuer (docs/digilocker.md): the API key DigiLocker signs requests with (HMAC-SHA256),
        #: our issuer id (the first part of every URI) and DigiLocker's push endpoint (unset = no push).
        self.DIGILOCKER_API_KEY = env("PRAVAH_DIGILOCKER_API_KEY") or None
        self.DIGILOCKER_ISSUER_ID = env("PRAVAH_DIGILOCKER_ISSUER_ID") or "in.gov.wb.pravah"
        self.DIGILOCKER_PUSH_URL = env("PRAVAH_DIGILOCKER_PUSH_URL") or None

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
    return {}   # PostgreSQL: idle connections are pinged before use (app.database.ping_when_idle)


def from_environment() -> Config:
    env = os.environ.get("PRAVAH_ENV", "development")
    return {"production": ProductionConfig, "testing": TestingConfig}.get(env, Config)()
