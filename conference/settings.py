"""Configuration: environment variables (VCOURT_*) over an optional TOML file over defaults.

Validated once at start; a bad value stops the process with a message naming the setting.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from conference.domain.origins import origin_of, site_origins

SECRET_FILE = "signing-secret"
NOTICE_KEY_FILE = "notice-key"


class ConfigError(Exception):
    """The configuration cannot be used; the message says which setting and why."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VCOURT_", extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    data_dir: Path = Path("./var")
    database_url: str | None = None  # default: SQLite file in data_dir
    redis_url: str | None = None  # unset: in-process bus
    secret_key: SecretStr | None = None  # signing secret; generated into data_dir when unset
    demo_token: SecretStr | None = None
    public_url: str | None = None  # how people reach us, for links in notices
    # Other sites (scheme://host[:port]) whose pages may open /ws besides public_url's own, e.g.
    # a second name of the same server. A browser from any other origin is refused.
    allowed_origins: list[str] = Field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    node_name: str = Field(default_factory=lambda: os.uname().nodename)

    # --- signalling (live hearings) ---
    # WebSocket ping interval; a connection with no pong within half of it is dead.
    signaling_heartbeat_seconds: float = Field(default=15.0, gt=0, le=300)
    # How long a dropped participant keeps their place (admitted stays admitted).
    signaling_reconnect_grace_seconds: float = Field(default=60.0, ge=0, le=3600)
    signaling_max_frame_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)
    signaling_pin_max_attempts: int = Field(default=5, ge=1, le=100)
    signaling_pin_lockout_seconds: int = Field(default=300, ge=1)
    # Join links stay valid until the hearing's planned end plus this many hours.
    signaling_link_valid_hours: int = Field(default=24, ge=1, le=24 * 60)
    # A busy room's events are pushed at most once per this window (one frame per connection).
    signaling_fan_out_window_seconds: float = Field(default=0.05, ge=0, le=2)
    # Redis keys for live room state expire after this long without a change.
    signaling_room_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    # Several nodes: each says it is alive this often; one silent for `dead_after` is given up
    # for dead and the others mark its people disconnected (their grace period starts then).
    # Keep heartbeat + dead_after well under the reconnect grace.
    signaling_node_heartbeat_seconds: float = Field(default=5.0, gt=0, le=60)
    signaling_node_dead_after_seconds: float = Field(default=15.0, gt=0, le=600)

    # --- scheduling and notices ---
    court_hours: str = "mon-fri 07:30-11:30,13:30-17:00"  # court time; see docs/booking.md
    holiday_country: str | None = "VN"  # `holidays` package country code; empty: none
    extra_days_off: list[date] = Field(default_factory=list)
    make_up_working_days: list[date] = Field(default_factory=list)
    booking_slot_minutes: int = Field(default=30, ge=5, le=240)
    scheduler_enabled: bool = True  # run the job runner in `serve` (leader lock picks one node)
    scheduler_misfire_grace_s: int = Field(default=3600, ge=1)
    scheduler_sync_interval_s: float = Field(default=10.0, gt=0)
    reminder_offsets_min: list[int] = Field(default_factory=lambda: [1440, 60])
    waiting_room_open_min: int = Field(default=15, ge=0)
    precheck_min: int = Field(default=30, ge=0)
    close_left_open_after_min: int = Field(default=120, ge=1)
    retention_days: int = Field(default=365 * 5, ge=1)
    delivery_max_attempts: int = Field(default=6, ge=1)
    delivery_backoff_s: list[int] = Field(default_factory=lambda: [30, 120, 600, 1800, 7200])
    notice_link_days_after: int = Field(default=2, ge=0)  # links expire this long after the end
    # Seals the link and PIN of each notice at rest (Fernet keys, comma-separated: the first
    # seals, every one opens, so a key can be rotated); generated into data_dir when unset.
    notice_key: SecretStr | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "vcourt <no-reply@localhost>"
    smtp_timeout_s: float = Field(default=20.0, gt=0)
    sms_gateway_url: str | None = None
    sms_gateway_key: SecretStr | None = None
    doc_exchange_url: str | None = None
    doc_exchange_key: SecretStr | None = None
    channel_timeout_s: float = Field(default=10.0, gt=0)
    case_pull_url: str | None = None
    case_pull_key: SecretStr | None = None
    case_pull_interval_min: int = Field(default=0, ge=0)  # 0: pull only on demand
    record_webhook_url: str | None = None
    record_webhook_secret: SecretStr | None = None

    # --- media (aiortc, recording, TURN) ---
    # false: no embedded media server; pages and agents connect peer to peer (signal.*)
    media_enabled: bool = True
    # Addresses ICE offers as host candidates; empty: every interface aioice finds (it leaves
    # out loopback, so a single-machine setup or a test sets ["127.0.0.1"]).
    media_gather_addresses: list[str] = Field(default_factory=list)
    media_stun_urls: list[str] = Field(default_factory=list)  # e.g. ["stun:turn.example.vn:3478"]
    media_turn_urls: list[str] = Field(default_factory=list)  # e.g. ["turn:turn.example.vn:3478"]
    media_turn_secret: SecretStr | None = None  # coturn static-auth-secret (REST API credentials)
    media_turn_ttl_seconds: int = Field(default=6 * 3600, ge=60, le=7 * 24 * 3600)
    media_recordings_dir: Path | None = None  # default: data_dir / "recordings"
    media_udp_rcvbuf_bytes: int = Field(default=4 * 1024 * 1024, ge=65536)
    media_video_queue_packets: int = Field(default=60, ge=2)  # per subscriber, drop oldest
    media_audio_queue_packets: int = Field(default=50, ge=2)
    media_recorder_queue_packets: int = Field(default=3000, ge=10)
    media_connect_timeout_seconds: float = Field(default=15.0, gt=0)
    media_negotiation_timeout_seconds: float = Field(default=10.0, gt=0)
    media_stats_interval_seconds: float = Field(default=2.0, gt=0)
    media_keyframe_interval_seconds: float = Field(default=0.5, ge=0)  # PLI rate limit

    # --- pages (staff sign-in, sessions) ---
    session_hours: float = Field(default=12, gt=0, le=24 * 30)  # a staff sign-in lasts this long
    # Failures of one account from one address, within the window, that lock that pair only.
    signin_max_failures: int = Field(default=5, ge=1)
    # Failures of one account from every address together, within the window, that lock the
    # account everywhere: far above signin_max_failures, so one address cannot reach it.
    signin_account_max_failures: int = Field(default=50, ge=1)
    signin_window_minutes: float = Field(default=15, gt=0)  # failures older than this are forgotten
    signin_lockout_minutes: float = Field(default=15, gt=0)  # how long a lockout lasts
    default_language: Literal["vi", "en"] = "vi"
    # Reverse proxies (e.g. nginx on 127.0.0.1) whose X-Forwarded-For names the real client,
    # so sign-in limits count each person's address, not the proxy's.
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use e.g. Asia/Ho_Chi_Minh)") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_db(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user@host/db"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value:
            origin_of(value, with_path=True)  # http(s)://host[:port][/path], nothing else
        return value or None

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return [origin_of(o) for o in value]

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("use redis://host:port/db or rediss://…")
        return value or None

    @field_validator("signaling_node_dead_after_seconds")
    @classmethod
    def _dead_after_beats(cls, value: float, info: Any) -> float:
        beat = info.data.get("signaling_node_heartbeat_seconds")
        if beat is not None and value < 2 * beat:
            raise ValueError(
                f"must be at least twice VCOURT_SIGNALING_NODE_HEARTBEAT_SECONDS ({beat}),"
                " so one late heartbeat does not give a live node up for dead"
            )
        return value

    @field_validator("media_turn_urls", "media_stun_urls")
    @classmethod
    def _ice_urls(cls, value: list[str], info: Any) -> list[str]:
        prefixes = ("turn:", "turns:") if info.field_name == "media_turn_urls" else ("stun:",)
        for url in value:
            if not url.startswith(prefixes):
                raise ValueError(f"{url!r} must start with {' or '.join(prefixes)}")
        return value

    @field_validator("notice_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
        if not keys:
            raise ValueError("give at least one key, or leave it unset to generate one")
        for key in keys:
            try:
                raw = base64.urlsafe_b64decode(key.encode())
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) != 32:
                raise ValueError(
                    "each key is 32 bytes in URL-safe base64 (a Fernet key); make one with"
                    " python -c 'from cryptography.fernet import Fernet;"
                    " print(Fernet.generate_key().decode())'"
                )
        return value

    @property
    def recordings_path(self) -> Path:
        return self.media_recordings_dir or self.data_dir / "recordings"

    @property
    def site_origins(self) -> frozenset[str]:
        """Origins whose pages may open /ws: public_url's and allowed_origins."""
        return site_origins(self.base_url, self.allowed_origins)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{(self.data_dir / 'vcourt.db').resolve()}"

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def signing_secret(self) -> bytes:
        """The configured secret, else one generated once into the data dir (mode 0600)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / SECRET_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()

    def notice_keys(self) -> list[bytes]:
        """The keys that seal notices' links and PINs (the first seals, all open): the
        configured ones, else one generated once into the data dir (mode 0600)."""
        if self.notice_key is not None:
            raw = self.notice_key.get_secret_value().split(",")
            return [k.strip().encode() for k in raw if k.strip()]
        path = self.data_dir / NOTICE_KEY_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        return [path.read_text().strip().encode()]

    def masked(self) -> dict[str, Any]:
        """The effective configuration for `vcourt config check`, secrets masked."""
        shown: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = "********" if value.get_secret_value() else ""
            elif name in {"database_url", "redis_url"} and value:
                value = _mask_password(value)
            shown[name] = str(value) if isinstance(value, Path) else value
        shown["effective_database_url"] = _mask_password(self.effective_database_url)
        shown["bus"] = "redis" if self.redis_url else "in-process"
        shown["secret_key_source"] = (
            "configuration" if self.secret_key else f"generated file {self.data_dir / SECRET_FILE}"
        )
        shown["notice_key_source"] = (
            "configuration"
            if self.notice_key
            else f"generated file {self.data_dir / NOTICE_KEY_FILE}"
        )
        return shown


def _mask_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy understands (redis://): mask by hand
        if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
            scheme, rest = url.split("//", 1)
            cred, host = rest.split("@", 1)
            return f"{scheme}//{cred.split(':', 1)[0]}:***@{host}"
        return url


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Defaults < TOML file (VCOURT_CONFIG or argument) < environment < explicit overrides."""
    file_values: dict[str, Any] = {}
    path = config_file or os.environ.get("VCOURT_CONFIG")
    if path:
        try:
            file_values = tomllib.loads(Path(path).read_text())
        except FileNotFoundError as exc:
            raise ConfigError(f"configuration file {path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from exc
        file_values = file_values.get("vcourt", file_values)
    env_names = {f"VCOURT_{n.upper()}" for n in Settings.model_fields}
    from_env = {k for k in os.environ if k in env_names}
    merged = {k: v for k, v in file_values.items() if f"VCOURT_{k.upper()}" not in from_env}
    merged.update(overrides)
    try:
        return Settings(**merged)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or "configuration"
            lines.append(f"  VCOURT_{name.upper()}: {err['msg']}")
        raise ConfigError("invalid configuration:\n" + "\n".join(lines)) from exc
