"""Forms of the moderation pages (the per-item action forms of the queue are written in its template)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Optional

from app.moderation.models import APPEAL_MAX, NOTE_MAX, PATTERN_MAX, REASON_MAX

REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "abuse": _l("Abuse, insults or harassment"),
    "off_topic": _l("Off topic"),
    "personal_info": _l("Personal information (ID number, phone, e-mail …)"),
    "illegal": _l("Illegal content"),
    "other": _l("Something else"),
}


class FlagForm(FlaskForm):
    """Flag an item for the moderators."""

    target_type = HiddenField()
    target_id = HiddenField()
    reason = RadioField(_l("Why should the moderators look at it?"), choices=[SelectChoice(key, label) for key, label in REASON_LABELS.items()],
                        validate_choice=False, validators=[Optional()])
    note = TextAreaField(_l("Note for the moderators (optional)"), validators=[Optional()],
                         description=_l("At most %(max)d characters. Only the moderators read it.", max=NOTE_MAX),
                         render_kw={"rows": 3, "maxlength": NOTE_MAX})


class AppealForm(FlaskForm):
    """The author asks for another look at a hidden item."""

    target_type = HiddenField()
    target_id = HiddenField()
    text = TextAreaField(_l("Why should the decision be changed?"), validators=[Optional()],
                         description=_l("You can appeal once. At most %(max)d characters.", max=APPEAL_MAX),
                         render_kw={"rows": 5, "maxlength": APPEAL_MAX, "required": True})


class SuspendForm(FlaskForm):
    """Suspend an account for some days, or ban it."""

    mode = RadioField(_l("What to do"), choices=[SelectChoice("suspend", _l("Suspend for a number of days")), SelectChoice("ban", _l("Ban the account"))],
                      default="suspend", validate_choice=False, validators=[Optional()])
    days = IntegerField(_l("Days"), validators=[Optional()], default=7, render_kw={"min": 1, "max": 3650})
    reason = TextAreaField(_l("Reason (the account sees it; the public log shows it masked)"), validators=[Optional()],
                           render_kw={"rows": 3, "maxlength": REASON_MAX, "required": True})


class LiftForm(FlaskForm):
    """End a suspension or a ban."""

    lift_reason = TextAreaField(_l("Reason (optional)"), validators=[Optional()], render_kw={"rows": 2, "maxlength": REASON_MAX})


class BannedWordForm(FlaskForm):
    """Add a banned word or pattern."""

    pattern = StringField(_l("Word or pattern"), validators=[Optional()],
                          description=_l("Posts containing it wait for review. At most %(max)d characters.", max=PATTERN_MAX),
                          render_kw={"maxlength": PATTERN_MAX, "required": True})
    is_regex = BooleanField(_l("This is a regular expression"))
