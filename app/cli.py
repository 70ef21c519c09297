"""Command-line interface: ``flask --app wsgi users|departments|seed …`` (see API.md)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.errors import ServiceError, ValidationFailed
from app.extensions import db
from app.permissions import ROLES

users_cli = AppGroup("users", help="Manage accounts.")
departments_cli = AppGroup("departments", help="Manage departments.")


def _fail(exc: ServiceError) -> None:
    db.session.rollback()
    if isinstance(exc, ValidationFailed) and exc.fields:
        problems = "; ".join(f"{name}: {', '.join(map(str, errs))}" for name, errs in exc.fields.items())
        raise click.ClickException(problems)
    raise click.ClickException(str(exc.message))


@users_cli.command("create")
@click.argument("name")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--role", type=click.Choice(ROLES), default="citizen", show_default=True)
@click.option("--department", "department_slug", help="Department slug (officers).")
@click.option("--verified", is_flag=True, help="Mark as real-name verified.")
@click.option("--email", default=None, help="E-mail address (optional here).")
def create_user(name: str, password: str, role: str, department_slug: str | None, verified: bool, email: str | None) -> None:
    """Create an account and print its id."""
    from app.accounts.services import register
    from app.departments.services import get_department

    try:
        department = get_department(department_slug) if department_slug else None
        user = register(
            name, password, email, role=role, department=department, verified=verified, require_email=False
        )
        db.session.commit()
    except ServiceError as exc:
        _fail(exc)
    click.echo(user.id)


@users_cli.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--department", "department_slug", help="Department slug (officers).")
def set_role(name: str, role: str, department_slug: str | None) -> None:
    """Give an account another role."""
    from app.accounts.services import change_role, find_by_username
    from app.departments.services import get_department

    user = find_by_username(name)
    if user is None:
        raise click.ClickException(f"no user {name}")
    try:
        change_role(None, user, role, get_department(department_slug) if department_slug else None)
        db.session.commit()
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"{user.username}: {role}")


@users_cli.command("verify")
@click.argument("name")
@click.option("--undo", is_flag=True, help="Remove the verification.")
def verify_user(name: str, undo: bool) -> None:
    """Mark an account as real-name verified."""
    from app.accounts.services import find_by_username, set_verified

    user = find_by_username(name)
    if user is None:
        raise click.ClickException(f"no user {name}")
    set_verified(None, user, not undo)
    db.session.commit()
    click.echo(f"{user.username}: verified={not undo}")


@departments_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Display name, e.g. 浙江省公安厅.")
@click.option("--description", default="", help="Short description.")
@click.option("--parent", "parent_slug", default=None, help="Slug of the parent department.")
@click.option("--level", type=click.Choice(["province", "city", "county"]), default=None)
def create_department(slug: str, name: str, description: str, parent_slug: str | None, level: str | None) -> None:
    """Create a department and print its id."""
    from app.departments.services import create_department as create, get_department

    try:
        parent = get_department(parent_slug) if parent_slug else None
        department = create(None, slug, name, description=description, parent=parent, level=level)
        db.session.commit()
    except ServiceError as exc:
        _fail(exc)
    click.echo(department.id)


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    from app.seed import seed_cli
    from app.worker import tasks_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(departments_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(tasks_cli)
