"""Account verbs: register, authenticate, tokens, roles. They flush, never commit."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import (
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
    ApiToken,
    User,
)
from app.audit.services import record
from app.clock import utcnow
from app.departments.models import Department
from app.errors import ValidationFailed
from app.extensions import db
from app.permissions import OFFICER, ROLES

USERNAME_PATTERN = re.compile(r"^[\w.\-]+$")
# A fixed hash so that signing in as an unknown user costs as much as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def normalize_username(username: str) -> str:
    """NFKC-normalised, trimmed username as shown."""
    return unicodedata.normalize("NFKC", username).strip()


def username_key(username: str) -> str:
    """The case-insensitive key that makes usernames unique."""
    return normalize_username(username).casefold()


def username_problems(username: str) -> list[str]:
    """Problems with a username, empty when it is acceptable."""
    name = normalize_username(username)
    if not name:
        return [gettext("Please enter a username.")]
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX:
        return [gettext("Usernames are %(min)d to %(max)d characters long.", min=USERNAME_MIN, max=USERNAME_MAX)]
    if not USERNAME_PATTERN.match(name):
        return [gettext("Use letters, digits, underscores, hyphens and dots only.")]
    return []


def password_problems(password: str) -> list[str]:
    """Problems with a password, empty when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return [gettext("Passwords are at least %(min)d characters long.", min=PASSWORD_MIN)]
    if len(password) > PASSWORD_MAX:
        return [gettext("Passwords are at most %(max)d characters long.", max=PASSWORD_MAX)]
    return []


def email_problems(email: str) -> list[str]:
    """Problems with an e-mail address (syntax only)."""
    if not email.strip():
        return [gettext("Please enter an e-mail address.")]
    if len(email) > EMAIL_MAX:
        return [gettext("The e-mail address is too long.")]
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        return [gettext("This is not a valid e-mail address.")]
    return []


def find_by_username(username: str) -> User | None:
    """The account with this username, ignoring case."""
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def hash_password(password: str) -> str:
    """A salted, memory-hard hash (scrypt; cheaper in tests)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def register(
    username: str,
    password: str,
    email: str | None,
    *,
    role: str = "citizen",
    department: Department | None = None,
    verified: bool = False,
    require_email: bool = True,
) -> User:
    """Create an account after checking every field; raises ValidationFailed."""
    fields: dict[str, list] = {}
    if problems := username_problems(username):
        fields["username"] = problems
    elif find_by_username(username) is not None:
        fields["username"] = [gettext("This username is taken.")]
    if problems := password_problems(password):
        fields["password"] = problems
    if email or require_email:
        if problems := email_problems(email or ""):
            fields["email"] = problems
    if role not in ROLES:
        fields["role"] = [gettext("Unknown role.")]
    elif role == OFFICER and department is None:
        fields["department"] = [gettext("An officer belongs to a department.")]
    if fields:
        raise ValidationFailed(fields=fields)
    user = User(
        username=normalize_username(username),
        username_key=username_key(username),
        email=email.strip() if email else None,
        password_hash=hash_password(password),
        role=role,
        department_id=department.id if department is not None and role == OFFICER else None,
        verified=verified,
        created_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The account for these credentials, or None (same cost either way)."""
    user = find_by_username(username) if username else None
    if user is None or user.password_hash is None or not user.is_active:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("not a password", method=method)
        check_password_hash(_DUMMY_HASH[method], password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """A new bearer token for the user; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=current_app.config["API_TOKEN_TTL_DAYS"]),
        )
    )
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active account a bearer token belongs to, unless revoked or expired."""
    if not token or len(token) > 200:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked_at is not None or api_token.expires_at <= utcnow() or not user.is_active:
        return None
    return user


def revoke_token(token: str) -> bool:
    """Revoke a bearer token; True if it was active."""
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if api_token is None or api_token.revoked_at is not None:
        return False
    api_token.revoked_at = utcnow()
    db.session.flush()
    return True


def change_role(actor: User | None, user: User, role: str, department: Department | None = None) -> User:
    """Give an account a role (and a department for officers); audit-logged."""
    if role not in ROLES:
        raise ValidationFailed(fields={"role": [gettext("Unknown role.")]})
    if role == OFFICER and department is None:
        raise ValidationFailed(fields={"department": [gettext("An officer belongs to a department.")]})
    before = {"role": user.role, "department_id": user.department_id}
    user.role = role
    user.department_id = department.id if role == OFFICER and department is not None else None
    db.session.flush()
    record(actor, "user.role", user, before=before, after={"role": user.role, "department_id": user.department_id})
    return user


def set_verified(actor: User | None, user: User, verified: bool) -> User:
    """Mark an account as real-name verified (or not); audit-logged."""
    before = {"verified": user.verified}
    user.verified = verified
    db.session.flush()
    record(actor, "user.verify", user, before=before, after={"verified": verified})
    return user
