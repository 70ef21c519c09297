"""Forms: rate a service, answer a case, confirm it. The rules live in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from app.ratings.models import COMMENT_MAX, NOTE_MAX, SCORE_LABELS, SCORES


class RatingForm(FlaskForm):
    """Five levels as radio buttons and an optional comment."""

    score = RadioField(
        _l("How satisfied are you with this service?"),
        choices=[SelectChoice(str(score), SCORE_LABELS[score]) for score in SCORES],
        validators=[InputRequired(_l("Choose a level."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        description=_l("At most %(max)d characters. Do not include ID numbers, phone numbers or e-mail addresses.", max=COMMENT_MAX),
        render_kw={"maxlength": COMMENT_MAX, "rows": 4},
    )
    submit = SubmitField(_l("Submit rating"))


class RectificationForm(FlaskForm):
    """The department's rectification note."""

    body = TextAreaField(
        _l("Rectification note"),
        validators=[InputRequired(_l("Please write what the department did."))],
        description=_l("Public. Say what was wrong and what the department changed."),
        render_kw={"maxlength": NOTE_MAX, "rows": 5},
    )
    submit = SubmitField(_l("Publish the rectification note"))


class ConfirmationForm(FlaskForm):
    """The rater's verdict, sent by one of two buttons (resolved=yes|no)."""

    resolved = RadioField(
        _l("Did the rectification solve your problem?"),
        choices=[SelectChoice("yes", _l("Resolved")), SelectChoice("no", _l("Not resolved"))],
        validators=[InputRequired(_l("Choose resolved or not resolved."))],
    )
