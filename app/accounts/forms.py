"""Sign-up and sign-in forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.accounts.models import EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN


class RegisterForm(FlaskForm):
    """Create a citizen account."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Please enter a username.")), Length(USERNAME_MIN, USERNAME_MAX)],
        description=_l("%(min)d–%(max)d letters, digits, _ - or .", min=USERNAME_MIN, max=USERNAME_MAX),
        render_kw={"autocomplete": "username"},
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Please enter an e-mail address.")), Length(max=EMAIL_MAX)],
        description=_l("Never shown publicly."),
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter a password.")), Length(PASSWORD_MIN, PASSWORD_MAX)],
        description=_l("At least %(min)d characters.", min=PASSWORD_MIN),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(_l("Please repeat the password.")), EqualTo("password", _l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Sign up"))


class LoginForm(FlaskForm):
    """Sign in with username and password."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Please enter your username.")), Length(max=USERNAME_MAX * 4)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class LogoutForm(FlaskForm):
    """Sign out (a POST, so other sites cannot sign you out)."""

    submit = SubmitField(_l("Sign out"))
