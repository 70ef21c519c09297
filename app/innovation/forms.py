"""Forms of the innovation space: a case, and a moderator's review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.innovation.models import BODY_MAX, REASON_MAX, SUMMARY_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX


class CaseForm(FlaskForm):
    """Write or edit a case; "save draft" keeps it, "submit" sends it to the moderators."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Please give the case a title.")), Length(max=TITLE_MAX)],
        description=_l("At most %(max)d characters.", max=TITLE_MAX),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[DataRequired(_l("Please summarise the case.")), Length(max=SUMMARY_MAX)],
        description=_l("One paragraph shown in the gallery, at most %(max)d characters.", max=SUMMARY_MAX),
        render_kw={"rows": 3},
    )
    body = TextAreaField(
        _l("Full description"),
        validators=[DataRequired(_l("Please describe the case.")), Length(max=BODY_MAX)],
        description=_l(
            "What was changed, for whom, and with what result. Markdown: **bold**, lists, links. "
            "Phone numbers, ID numbers and e-mail addresses are masked on the public page."
        ),
        render_kw={"rows": 12},
    )
    tags = StringField(
        _l("Tags"),
        validators=[Length(max=TAGS_MAX * (TAG_MAX + 2) + 20)],
        description=_l("Up to %(count)d short tags separated by commas, e.g. 一网通办, 数字政府", count=TAGS_MAX),
    )
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit for review"))


class ReviewForm(FlaskForm):
    """A moderator publishes or rejects one submitted case (prefix: one form per case on the queue).

    The queue shows one form per case, so field ids carry the case's prefix;
    CSRF is checked for every POST by CSRFProtect, with the page's token.
    """

    class Meta:
        csrf = False

    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_MAX)],
        description=_l("Required when rejecting; the department sees it."),
        render_kw={"rows": 2},
    )
    publish = SubmitField(_l("Publish"))
    reject = SubmitField(_l("Reject"))
