"""``flask seed demo``: realistic Chinese demo data for every feature.

Each feature contributes one step (a function taking a ``DemoContext``);
steps run in the order of ``STEPS`` inside one transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db

seed_cli = AppGroup("seed", help="Load demo data.")

STEPS = (
    "app.seed.foundation:seed_foundation",
    "app.proposals.seed:seed_proposals",
    "app.ratings.seed:seed_ratings",
    "app.innovation.seed:seed_innovation",
    "app.campaigns.seed:seed_campaigns",
    "app.comments.seed:seed_comments",
    "app.moderation.seed:seed_moderation",
    "app.search.seed:seed_search",  # last: indexes what every earlier step created
)

DEMO_PASSWORD = "minyi-demo"


@dataclass
class DemoContext:
    """What earlier steps created, for later steps to build on."""

    rng: random.Random
    users: dict[str, Any] = field(default_factory=dict)  # username -> User
    citizens: list[Any] = field(default_factory=list)
    officers: dict[str, list[Any]] = field(default_factory=dict)  # department slug -> officers
    departments: dict[str, Any] = field(default_factory=dict)  # slug -> Department
    services: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def database_is_empty() -> bool:
    """True when no departments or users exist yet."""
    from app.accounts.models import User
    from app.departments.models import Department

    return not (db.session.scalar(select(func.count(User.id))) or db.session.scalar(select(func.count(Department.id))))


def run_demo_seed(seed: int = 2026) -> DemoContext:
    """Run every step (no commit)."""
    context = DemoContext(rng=random.Random(seed))
    for step in STEPS:
        module_name, function_name = step.split(":")
        getattr(import_module(module_name), function_name)(context)
        db.session.flush()
    return context


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when data exists.")
@click.option("--seed", default=2026, show_default=True, help="Random seed.")
def demo(if_empty: bool, seed: int) -> None:
    """Fill an empty database with realistic demo data."""
    if not database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo data not loaded.")
            return
        raise click.ClickException("The database is not empty; seed demo only fills an empty database.")
    context = run_demo_seed(seed)
    db.session.commit()
    click.echo(
        f"Demo data loaded: {len(context.departments)} departments, {len(context.services)} services, "
        f"{len(context.users)} users. Every demo account's password is '{DEMO_PASSWORD}' "
        "(admin, moderator, officer accounts such as officer-zj-gat, citizens such as citizen01)."
    )
