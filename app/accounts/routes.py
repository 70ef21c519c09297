"""Pages: /register, /login, /logout, /account."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp
from app.accounts import services as accounts
from app.accounts import session  # noqa: F401 - registers the user loader
from app.accounts.forms import LoginForm, LogoutForm, RegisterForm
from app.errors import ValidationFailed
from app.extensions import limiter
from app.forms import apply_field_errors
from app.templating import safe_next


def _auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Sign up as a citizen, then land signed in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.username.data, form.password.data, form.email.data)
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        else:
            login_user(user)
            flash(gettext("Welcome, %(name)s! Your account is ready.", name=user.username), "success")
            return redirect(safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_auth_limit, methods=["POST"])
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(gettext("Wrong username or password."))
        else:
            login_user(user, remember=form.remember.data)
            flash(gettext("Signed in as %(name)s.", name=user.username), "success")
            return redirect(safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks for confirmation; POST signs out."""
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        logout_user()
        flash(gettext("You have signed out."), "success")
        return redirect(url_for("main.index"))
    if not current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return render_template("accounts/logout.html", form=form)


@bp.get("/account")
@login_required
def account():
    """The signed-in account: role, department, verification, suspension."""
    return render_template("accounts/account.html", user=current_user)
