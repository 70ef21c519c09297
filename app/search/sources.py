"""Public services (政务服务事项) in the search index: kind "service".

A service is indexed when ``app.departments.services.create_service`` sends
``service.created``, and rebuilt from the services table by
``flask --app wsgi search reindex service`` (and the demo seed).
"""

from __future__ import annotations

from typing import Any, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.departments.models import Service
from app.events import signal
from app.extensions import db
from app.sanitize import plain_text
from app.search.services import index_document, register_source

SERVICE = "service"
BATCH = 500


def service_document(service: Any) -> dict[str, Any]:
    """The search document of a service: its name, and its guide as plain text."""
    return {
        "ref_id": service.id,
        "title": service.name,
        "body": plain_text(service.guide),
        "url": f"/services/{service.id}",
        "department_id": service.department_id,
        "created_at": service.created_at,
    }


def reindex_services() -> Iterator[dict[str, Any]]:
    """Every service, read in batches by id (constant memory however many there are)."""
    last_id = 0
    while True:
        batch = db.session.execute(
            select(Service.id, Service.name, Service.guide, Service.department_id, Service.created_at)
            .where(Service.id > last_id)
            .order_by(Service.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        for row in batch:
            yield service_document(row)
        last_id = batch[-1].id


@signal("service.created").connect
def index_created_service(service: Any, **_: Any) -> None:
    """Index a new service in the transaction that creates it."""
    index_document(SERVICE, **service_document(service))


register_source(SERVICE, _l("Public service"), reindex_services)
