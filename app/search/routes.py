"""The search page: /search?q=&kind=&page="""

from __future__ import annotations

from flask import render_template, request

from app.errors import ValidationFailed
from app.pagination import page_args
from app.search import bp
from app.search import services as search_service
from app.search.registry import sources
from app.search.services import KIND_PATTERN
from app.search.text import MAX_QUERY_LENGTH


@bp.get("/search")
def search():
    """Results of every kind for ``q``, filterable by kind, with highlighted snippets."""
    q = request.args.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kinds = {source.kind: source.label for source in sources()}
    kind = request.args.get("kind", "")
    if kind and not KIND_PATTERN.match(kind):
        kind = ""
    try:
        page, per_page = page_args(request.args)
    except ValidationFailed:
        page, per_page = 1, 20
    result = search_service.search(q, kinds=[kind] if kind else None, page=page, per_page=per_page) if q else None
    return render_template(
        "search/index.html",
        q=q,
        kind=kind,
        kinds=kinds,
        result=result,
        args={name: value for name, value in (("q", q), ("kind", kind)) if value},
    )
