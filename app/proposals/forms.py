"""The new-thread form. Rules live in the services; the form only carries the fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from app.proposals.models import BODY_MAX, CONTACT_MAX, TITLE_MAX, TITLE_MIN, UNSURE

KIND_LABELS = {
    "suggestion": _l("Suggestion"),
    "complaint": _l("Complaint"),
    "question": _l("Question"),
    "praise": _l("Praise"),
}


class ProposalForm(FlaskForm):
    """Raise a thread."""

    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()], default="suggestion", validate_choice=False)
    title = StringField(
        _l("Title"),
        validators=[Optional()],
        description=_l("%(min)d to %(max)d characters: what is it about?", min=TITLE_MIN, max=TITLE_MAX),
        render_kw={"maxlength": TITLE_MAX, "required": True},
    )
    body = TextAreaField(
        _l("Details"),
        validators=[Optional()],
        description=_l("At least 10 characters. Markdown works. Phone numbers, ID numbers and e-mail addresses are masked publicly."),
        render_kw={"rows": 10, "maxlength": BODY_MAX, "required": True},
    )
    department = SelectField(_l("Department"), validate_choice=False)
    service = SelectField(_l("Service (optional)"), validate_choice=False, choices=[])
    contact = StringField(
        _l("Private contact details (optional)"),
        validators=[Optional()],
        description=_l("Only the department handling the thread and moderators see this."),
        render_kw={"maxlength": CONTACT_MAX, "autocomplete": "tel"},
    )
    anonymous = BooleanField(_l("Hide my name publicly (the department and moderators still see it)"))
    submit = SubmitField(_l("Submit the thread"))

    def set_departments(self, departments: list) -> None:
        """The department choices: every department, plus “not sure”."""
        self.department.choices = [
            SelectChoice("", _l("Choose a department")),
            SelectChoice(UNSURE, _l("Not sure: let moderators route it")),
        ] + [SelectChoice(d.slug, d.name) for d in departments]


class EditProposalForm(FlaskForm):
    """The author corrects title and body while no department has acted."""

    title = StringField(
        _l("Title"),
        validators=[Optional()],
        description=_l("%(min)d to %(max)d characters: what is it about?", min=TITLE_MIN, max=TITLE_MAX),
        render_kw={"maxlength": TITLE_MAX, "required": True},
    )
    body = TextAreaField(
        _l("Details"),
        validators=[Optional()],
        description=_l("At least 10 characters. Markdown works. Phone numbers, ID numbers and e-mail addresses are masked publicly."),
        render_kw={"rows": 10, "maxlength": BODY_MAX, "required": True},
    )
    submit = SubmitField(_l("Save the changes"))
