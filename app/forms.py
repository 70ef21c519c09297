"""Form helpers shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm

from app.errors import ValidationFailed


def apply_field_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Show a service's field errors on the form's fields (or as form errors)."""
    for name, problems in (exc.fields or {}).items():
        field = getattr(form, name, None)
        target = list(field.errors) if field is not None else list(form.form_errors)
        target.extend(str(problem) for problem in problems)
        if field is not None:
            field.errors = target
        else:
            form.form_errors = target
    if not exc.fields:
        form.form_errors = [*form.form_errors, str(exc.message)]
