"""Seed step (run last): index everything the earlier steps created."""

from __future__ import annotations

from app.search.registry import reindex, sources


def seed_search(context) -> None:
    """Rebuild the index from every registered source (flushes; the seed commits)."""
    context.extra["search_indexed"] = {source.kind: reindex(source.kind) for source in sources()}
