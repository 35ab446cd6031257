"""Typed settings, read once from the environment.

Tests set the environment before importing the app; everything else calls `get_settings()`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.rules.bodies import BodyLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def _s3_part_size() -> int:
    size = _env_int("S3_PART_SIZE", 8 * 1024 * 1024)
    if size < 5 * 1024 * 1024:
        # S3 refuses every part but the last under 5 MiB: fail at start, not at the first big upload.
        raise RuntimeError(f"S3_PART_SIZE must be at least 5 MiB (5242880), got {size}")
    return size


def _secret_key(var_dir: Path) -> str:
    """The SECRET_KEY variable, or a key generated once into var/ (never committed)."""
    if configured := os.environ.get("SECRET_KEY", "").strip():
        return configured
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two workers starting at once must agree on one key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    """SMTP_HOST. Empty (development) means the sending job writes each mail to the server log."""
    port: int = 587
    """SMTP_PORT."""
    username: str = ""
    """SMTP_USERNAME; empty for servers that need no login."""
    password: str = ""
    """SMTP_PASSWORD."""
    starttls: bool = False
    """SMTP_STARTTLS: upgrade the connection with STARTTLS before sending."""
    sender: str = "Smart Challenge <noreply@challenge.local>"
    """SMTP_FROM: the From header of every mail."""

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class OpenDataSettings:
    licence: str = "CC BY 4.0"
    """OPEN_DATA_LICENCE: the name of the licence the pilots' open data is published under."""
    licence_url: str = "https://creativecommons.org/licenses/by/4.0/"
    """OPEN_DATA_LICENCE_URL: that licence's address; the DCAT description names it as dct:license."""
    publisher: str = "Smart Cities & Smart Rural Challenge"
    """OPEN_DATA_PUBLISHER: who publishes the data (dct:publisher), as an open-data portal shows it."""


@dataclass(frozen=True)
class PasswordHashing:
    """Argon2id's cost. The defaults are RFC 9106's second recommendation (argon2-cffi's own),
    about 50 ms a sign-in on one core here; hashes made with other figures are upgraded at the
    next sign-in. Lower them only where passwords are not real (the test suite signs in
    thousands of times)."""

    time_cost: int = 3
    """ARGON2_TIME_COST: passes over the memory."""
    memory_kib: int = 64 * 1024
    """ARGON2_MEMORY_KIB: memory per hash, in KiB (at least 8 per lane)."""
    parallelism: int = 4
    """ARGON2_PARALLELISM: lanes (threads) per hash."""


@dataclass(frozen=True)
class ObservabilitySettings:
    metrics_token: str = ""
    """METRICS_TOKEN: the bearer token that may read /metrics (`Authorization: Bearer <token>`)."""
    metrics_allow_ips: str = ""
    """METRICS_ALLOW_IPS: addresses or CIDRs (comma-separated) that may read /metrics without the token.
    With neither set, /metrics answers 403."""
    log_format: str = "json"
    """LOG_FORMAT: `json` (one event per line, the default) or `text` (for people; `make run` uses it)."""


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    """VAR_DIR: where runtime state lives (SQLite file, secret key, uploads). Default `var/`."""
    database_url: str
    """DATABASE_URL: `sqlite:///path` (default `var/challenge.sqlite`) or `postgres://...`."""
    secret_key: str
    """SECRET_KEY: signs CSRF tokens; generated into var/secret_key on first run when unset."""
    upload_dir: Path
    """UPLOAD_DIR: uploads live here, outside the web root. Default `var/uploads`."""
    storage_url: str = ""
    """STORAGE_URL: where uploads are stored: empty (default) is the folder UPLOAD_DIR, a path another
    folder, `s3://bucket/prefix` an S3-compatible bucket (credentials: the standard AWS_* variables)."""
    s3_endpoint_url: str = ""
    """S3_ENDPOINT_URL: the S3 API's address for MinIO, Ceph RGW, Garage...; empty for AWS itself.
    Given, buckets are addressed by path (`host/bucket/key`)."""
    s3_region: str = ""
    """S3_REGION: the bucket's region (AWS), or whatever the server expects (`us-east-1` for most)."""
    s3_presigned_downloads: bool = False
    """S3_PRESIGNED_DOWNLOADS: after the permission check, redirect downloads to a 60-second presigned
    address on the bucket instead of streaming the bytes through the app."""
    s3_part_size: int = 8 * 1024 * 1024
    """S3_PART_SIZE: bytes per part of a multipart upload (at least 5 MiB); a smaller file is one PUT."""
    base_url: str = "http://127.0.0.1:8000"
    """BASE_URL: the absolute address in mailed links, invitations and calendar feeds. Set it behind a
    proxy (`https://challenge.example.org`); unset, `python -m core serve` uses the address it
    serves (`--host`, `--port`), so `make run PORT=8101` links to port 8101."""
    default_locale: str = "en"
    """DEFAULT_LOCALE: `en`, `sr_Latn` or `sr_Cyrl`."""
    timezone: str = "Europe/Belgrade"
    """TIMEZONE: the platform's timezone, used where no edition timezone applies."""
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    """SMTP_*: outgoing mail server."""
    debug: bool = False
    """DEBUG: show tracebacks in error pages. Never in production."""
    scheduler_enabled: bool = True
    """SCHEDULER_ENABLED: take part in the scheduler leader election in this process."""
    page_cache: bool = True
    """PAGE_CACHE: serve public pages to anonymous visitors from memory until their data changes."""
    outbox_interval_seconds: int = 15
    """OUTBOX_INTERVAL: how often the outbox job sends pending mail."""
    phase_check_interval_seconds: int = 30
    """PHASE_CHECK_INTERVAL: how often due phase changes are looked for (and carried out once)."""
    max_upload_bytes: int = 20 * 1024 * 1024
    """MAX_UPLOAD_BYTES: the largest accepted upload; enforced while the bytes stream in."""
    cookie_secure: bool = False
    """COOKIE_SECURE: send session and CSRF cookies over HTTPS only (set behind TLS)."""
    login_limit_per_ip: int = 20
    """LOGIN_LIMIT_PER_IP: sign-ups allowed per IP per 15 minutes, and failed sign-ins per IP before
    each further attempt from it waits (30 s, doubling, at most 15 minutes)."""
    login_limit_per_account: int = 5
    """LOGIN_LIMIT_PER_ACCOUNT: failed sign-ins per account and IP before each further attempt waits
    (30 s, doubling, at most 15 minutes); ten times as many from anywhere put the account under
    attack: new addresses then also need a mailed one-time link."""
    open_data: OpenDataSettings = field(default_factory=OpenDataSettings)
    """OPEN_DATA_*: the licence and publisher of the pilots' open data (/open-data/pilots)."""
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    """METRICS_TOKEN, METRICS_ALLOW_IPS, LOG_FORMAT: who may read /metrics, and how logs are written."""
    body_limits: BodyLimits = field(default_factory=BodyLimits)
    """JSON_MAX_BYTES (1 MiB), JSON_MAX_VALUES (10,000), JSON_MAX_DEPTH (32), FORM_MAX_BYTES (1 MiB),
    FORM_MAX_FIELDS (1,000), FORM_FIELD_MAX_BYTES (128 KiB): what a JSON or form body may hold.
    Uploads stream under MAX_UPLOAD_BYTES instead."""
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    """ARGON2_TIME_COST (3), ARGON2_MEMORY_KIB (65,536), ARGON2_PARALLELISM (4): the cost of a password hash."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> str:
        return self.database_url.removeprefix("sqlite:///")


def load_settings() -> Settings:
    var_dir = Path(_env("VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
    return Settings(
        var_dir=var_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'challenge.sqlite'}"),
        secret_key=_secret_key(var_dir),
        upload_dir=Path(_env("UPLOAD_DIR", str(var_dir / "uploads"))).resolve(),
        storage_url=_env("STORAGE_URL", ""),
        s3_endpoint_url=_env("S3_ENDPOINT_URL", ""),
        s3_region=_env("S3_REGION", ""),
        s3_presigned_downloads=_env_bool("S3_PRESIGNED_DOWNLOADS", False),
        s3_part_size=_s3_part_size(),
        base_url=_env("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        default_locale=_env("DEFAULT_LOCALE", "en"),
        timezone=_env("TIMEZONE", "Europe/Belgrade"),
        smtp=SmtpSettings(
            host=_env("SMTP_HOST", ""),
            port=_env_int("SMTP_PORT", 587),
            username=_env("SMTP_USERNAME", ""),
            password=_env("SMTP_PASSWORD", ""),
            starttls=_env_bool("SMTP_STARTTLS", False),
            sender=_env("SMTP_FROM", "Smart Challenge <noreply@challenge.local>"),
        ),
        debug=_env_bool("DEBUG", False),
        scheduler_enabled=_env_bool("SCHEDULER_ENABLED", True),
        page_cache=_env_bool("PAGE_CACHE", True),
        outbox_interval_seconds=_env_int("OUTBOX_INTERVAL", 15),
        phase_check_interval_seconds=_env_int("PHASE_CHECK_INTERVAL", 30),
        max_upload_bytes=_env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        cookie_secure=_env_bool("COOKIE_SECURE", False),
        login_limit_per_ip=_env_int("LOGIN_LIMIT_PER_IP", 20),
        login_limit_per_account=_env_int("LOGIN_LIMIT_PER_ACCOUNT", 5),
        open_data=OpenDataSettings(
            licence=_env("OPEN_DATA_LICENCE", OpenDataSettings.licence),
            licence_url=_env("OPEN_DATA_LICENCE_URL", OpenDataSettings.licence_url),
            publisher=_env("OPEN_DATA_PUBLISHER", OpenDataSettings.publisher),
        ),
        observability=ObservabilitySettings(
            metrics_token=_env("METRICS_TOKEN", ""),
            metrics_allow_ips=_env("METRICS_ALLOW_IPS", ""),
            log_format=_env("LOG_FORMAT", "json").lower(),
        ),
        body_limits=BodyLimits(
            json_max_bytes=_env_int("JSON_MAX_BYTES", BodyLimits.json_max_bytes),
            json_max_values=_env_int("JSON_MAX_VALUES", BodyLimits.json_max_values),
            json_max_depth=_env_int("JSON_MAX_DEPTH", BodyLimits.json_max_depth),
            form_max_bytes=_env_int("FORM_MAX_BYTES", BodyLimits.form_max_bytes),
            form_max_fields=_env_int("FORM_MAX_FIELDS", BodyLimits.form_max_fields),
            form_field_max_bytes=_env_int("FORM_FIELD_MAX_BYTES", BodyLimits.form_field_max_bytes),
        ),
        password_hashing=PasswordHashing(
            time_cost=_env_int("ARGON2_TIME_COST", PasswordHashing.time_cost),
            memory_kib=_env_int("ARGON2_MEMORY_KIB", PasswordHashing.memory_kib),
            parallelism=_env_int("ARGON2_PARALLELISM", PasswordHashing.parallelism),
        ),
    )


def served_base_url(host: str, port: int, *, hostname: str = "localhost") -> str:
    """The address people reach a server bound to `host`:`port` at. A wildcard bind (all
    interfaces) is reached by the machine's name, which the caller passes as `hostname`."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 - naming the wildcard binds, not binding one
        host = hostname
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    default_port = 80
    return f"http://{host}" if port == default_port else f"http://{host}:{port}"


def default_base_url_to(host: str, port: int, *, hostname: str) -> None:
    """Make the served address this process's (and its workers') BASE_URL unless one is set."""
    if not os.environ.get("BASE_URL", "").strip():
        os.environ["BASE_URL"] = served_base_url(host, port, hostname=hostname)
        get_settings.cache_clear()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
