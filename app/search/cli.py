"""``flask --app wsgi search reindex [KIND]``: rebuild the search index from the registered sources."""

from __future__ import annotations

import click

from app.extensions import db
from app.search import bp
from app.search.registry import reindex, sources


@bp.cli.command("reindex")
@click.argument("kind", required=False)
def reindex_command(kind: str | None) -> None:
    """Rebuild the index of KIND (default: every registered kind), one transaction per kind."""
    known = [source.kind for source in sources()]
    if kind is not None and kind not in known:
        raise click.ClickException(f"unknown kind {kind!r}; registered kinds: {', '.join(known) or 'none'}")
    for name in [kind] if kind else known:
        count = reindex(name)
        db.session.commit()
        click.echo(f"{name}: {count} documents indexed")
