"""The comment form (the thread and case pages write the same fields by hand for each reply)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional

from app.comments.models import BODY_MAX


class CommentForm(FlaskForm):
    """A new comment, a reply (``parent_id``) or an edit; the services check the rules."""

    body = TextAreaField(
        _l("Your comment"),
        validators=[Optional()],
        description=_l("Up to %(max)d characters. Simple Markdown: **bold**, *italic*, lists, links, quotes.", max=BODY_MAX),
        render_kw={"rows": 5, "maxlength": BODY_MAX, "required": True},
    )
    parent_id = HiddenField()
