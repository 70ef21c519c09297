"""Forms for moderators: a campaign, and invalidating votes."""

from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.campaigns.models import DESCRIPTION_MAX, MAX_ACCOUNT_AGE_DAYS, MAX_CASES, REASON_MAX, TITLE_MAX
from app.clock import LOCAL_TZ, to_local

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def local_input(value: datetime | None) -> datetime | None:
    """A stored UTC time as the naive local time a datetime-local input shows."""
    return to_local(value).replace(tzinfo=None, second=0, microsecond=0) if value else None


def from_local_input(value: datetime | None) -> datetime | None:
    """A datetime-local input's naive value (Asia/Shanghai) as aware UTC."""
    return value.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc) if value else None


class CampaignForm(FlaskForm):
    """Create or edit a campaign; the ballot and rule fields are left out once voting has opened."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("Please give the campaign a title.")), Length(max=TITLE_MAX)])
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=DESCRIPTION_MAX)],
        description=_l("What the vote is about and what happens with the result. Markdown."),
        render_kw={"rows": 5},
    )
    opens_at = DateTimeLocalField(
        _l("Voting opens"), format=DATETIME_FORMAT, validators=[InputRequired(_l("Please give a date and time."))],
        description=_l("Beijing time."),
    )
    closes_at = DateTimeLocalField(
        _l("Voting closes"), format=DATETIME_FORMAT, validators=[InputRequired(_l("Please give a date and time."))],
        description=_l("Beijing time. Votes are accepted until just before this moment."),
    )
    case_ids = SelectMultipleField(_l("Cases on the ballot"), coerce=int, validate_choice=False)
    votes_per_voter = IntegerField(
        _l("Votes per voter"),
        validators=[InputRequired(_l("Please give a number.")), NumberRange(1, MAX_CASES)],
        description=_l("Each voter may vote for this many different cases, at most one vote per case."),
    )
    require_verified = BooleanField(_l("Only real-name verified accounts may vote"))
    min_account_age_days = IntegerField(
        _l("Minimum account age (days)"),
        default=0,
        validators=[Optional(), NumberRange(0, MAX_ACCOUNT_AGE_DAYS)],
        description=_l("Accounts younger than this may not vote (0: no minimum)."),
    )
    results = RadioField(
        _l("Results"),
        choices=[
            SelectChoice("after_close", _l("Published when voting closes")),
            SelectChoice("live", _l("Shown live while voting is open")),
        ],
        default="after_close",
    )
    submit = SubmitField(_l("Save campaign"))


class InvalidateForm(FlaskForm):
    """Invalidate the votes of the accounts ticked on the voters page."""

    user_ids = SelectMultipleField(_l("Accounts"), coerce=int, validate_choice=False)
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Please give the reason; it is published with the results.")), Length(max=REASON_MAX)],
        description=_l("Published with the results, e.g. “burst of accounts registered within minutes, voting for one case”."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Invalidate their votes"))
