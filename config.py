"""Settings for Minyi, read from the environment.

API.md fixes the names outside tools rely on: DATABASE_URL, SECRET_KEY,
RATELIMIT_ENABLED and RATELIMIT_STORAGE_URI. Everything else has a safe
default and may be overridden by an environment variable of the same name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("MINYI_INSTANCE_PATH", BASE_DIR / "instance"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer from the environment, falling back to default."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def database_url(default_file: str = "minyi.sqlite") -> str:
    """DATABASE_URL, normalised to psycopg 3; unset means SQLite under instance/."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / default_file}"
    # Heroku-style and plain URLs get the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def development_secret_key() -> str:
    """A generated secret kept in instance/ so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def holidays_from_env() -> tuple[str, ...]:
    """Extra non-working days (YYYY-MM-DD, comma separated) from MINYI_HOLIDAYS."""
    raw = os.environ.get("MINYI_HOLIDAYS", "")
    return tuple(day.strip() for day in raw.split(",") if day.strip())


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"

    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")

    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "minyi")
    # Sign-in and sign-up are the usual targets of credential stuffing.
    RATELIMIT_AUTH = os.environ.get("RATELIMIT_AUTH", "10 per minute;100 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per minute;30 per hour")

    # scrypt is werkzeug's memory-hard default; tests use a cheap method.
    PASSWORD_HASH_METHOD = "scrypt"
    API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)

    # Working days: Saturdays and Sundays are skipped, plus these dates.
    HOLIDAYS = holidays_from_env()

    # Redis for background jobs and caches; unset means run jobs inline.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    TASKS_ASYNC = env_bool("TASKS_ASYNC", False)
    # Visitors' pages may be answered from a shared cache for this many seconds
    # (0: off). Needs REDIS_URL, or PAGE_CACHE_BACKEND=memory for one process.
    PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0)
    PAGE_CACHE_BACKEND = os.environ.get("PAGE_CACHE_BACKEND", "")
    # Posts matching any of these (case-insensitive regular expressions) wait for review.
    BANNED_PATTERNS = tuple(p for p in os.environ.get("MINYI_BANNED_PATTERNS", "").split("\n") if p.strip())
    # A new account's first posts wait in the review queue.
    TRUSTED_AFTER_POSTS = env_int("TRUSTED_AFTER_POSTS", 2)
    # Posting limits, counted in the database (app.posting_limits): new accounts, then established ones.
    POSTING_LIMITS_ENABLED = env_bool("POSTING_LIMITS_ENABLED", env_bool("RATELIMIT_ENABLED", True))
    THREADS_PER_DAY_NEW = env_int("THREADS_PER_DAY_NEW", 3)
    THREADS_PER_DAY = env_int("THREADS_PER_DAY", 20)
    COMMENTS_PER_HOUR_NEW = env_int("COMMENTS_PER_HOUR_NEW", 20)
    COMMENTS_PER_HOUR = env_int("COMMENTS_PER_HOUR", 120)
    # Supports that escalate a thread, and its shortened answer deadline (working days).
    ESCALATION_THRESHOLD = env_int("ESCALATION_THRESHOLD", 100)
    ESCALATED_ANSWER_DAYS = env_int("ESCALATED_ANSWER_DAYS", 3)

    QUERY_COUNT_HEADER = env_bool("MINYI_QUERY_COUNT_HEADER", False)
    PROXY_FIX = env_int("PROXY_FIX", 0)  # number of trusted reverse proxies
    SECURE_HEADERS_HSTS = False


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, generated secret."""

    ENV_NAME = "development"
    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY")  # unset: generated into instance/


class TestingConfig(Config):
    """The test suite: its own database, cheap hashing, limits in memory."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or database_url("test.sqlite")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    POSTING_LIMITS_ENABLED = False  # like RATELIMIT_ENABLED; the tests of the limits turn them on
    SERVER_NAME = None


class ProductionConfig(Config):
    """Production: a secret is mandatory and cookies only travel over HTTPS."""

    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    SECURE_HEADERS_HSTS = True
    PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 10)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 5}


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The config class named by name or MINYI_ENV (default development)."""
    return CONFIGS[name or os.environ.get("MINYI_ENV", "development")]
