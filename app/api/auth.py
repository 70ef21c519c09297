"""/auth/register, /auth/token and /me."""

from __future__ import annotations

from flask import current_app, g, jsonify
from flask_babel import gettext
from flask_login import current_user

from app.accounts import services as accounts
from app.accounts.models import PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN, User
from app.api import bp
from app.api.openapi import boolean, component, integer, nullable, obj, spec, string
from app.api.payload import Payload
from app.clock import isoformat
from app.errors import NotAuthenticated
from app.extensions import limiter
from app.permissions import require_signed_in

USER = component(
    "User",
    obj(
        ["id", "username", "role", "department", "verified"],
        id=integer(),
        username=string(),
        role=string(enum=["citizen", "officer", "moderator", "admin"]),
        department=nullable(string(description="slug of the officer's department")),
        verified=boolean(),
        created_at=string(format="date-time"),
    ),
)


def user_json(user: User) -> dict:
    """The public description of an account (no e-mail)."""
    return {
        "id": user.id,
        "username": user.display_name,
        "role": user.role,
        "department": user.department.slug if user.department is not None else None,
        "verified": user.verified,
        "created_at": isoformat(user.created_at),
    }


def _auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


@bp.post("/auth/register")
@limiter.limit(_register_limit)
@spec(
    "Register a citizen account",
    tag="auth",
    body=obj(
        ["username", "password", "email"],
        username=string(USERNAME_MIN, USERNAME_MAX),
        password=string(PASSWORD_MIN, PASSWORD_MAX),
        email=string(format="email"),
    ),
    responses={201: obj(["user"], user=USER)},
    errors=(429,),
)
def register():
    """Create a citizen account."""
    payload = Payload()
    username = payload.string("username")
    password = payload.string("password")
    email = payload.string("email")
    payload.check()
    user = accounts.register(username, password, email)
    return jsonify({"user": user_json(user)}), 201


@bp.post("/auth/token")
@limiter.limit(_auth_limit)
@spec(
    "Exchange a username and password for a bearer token",
    tag="auth",
    body=obj(["username", "password"], username=string(), password=string()),
    responses={200: obj(["token", "user"], token=string(), user=USER, expires_in_days=integer())},
    errors=(401, 429),
)
def token():
    """Issue a bearer token; 401 on wrong credentials."""
    payload = Payload()
    username = payload.string("username")
    password = payload.string("password")
    payload.check()
    user = accounts.authenticate(username, password)
    if user is None:
        raise NotAuthenticated(gettext("Wrong username or password."), code="invalid_credentials")
    issued = accounts.issue_token(user)
    return jsonify({"token": issued, "user": user_json(user), "expires_in_days": current_app.config["API_TOKEN_TTL_DAYS"]})


@bp.delete("/auth/token")
@spec("Revoke the bearer token used for this request", tag="auth", auth=True, responses={204: None})
def revoke_token():
    """Revoke the token the request was authenticated with."""
    require_signed_in(current_user)
    token_value = g.get("api_token")
    if not token_value:
        raise NotAuthenticated(gettext("Send the token to revoke in the Authorization header."), code="invalid_token")
    accounts.revoke_token(token_value)
    return "", 204


@bp.get("/me")
@spec("The signed-in account", tag="auth", auth=True, responses={200: USER})
def me():
    """Who am I."""
    require_signed_in(current_user)
    return jsonify(user_json(current_user))
