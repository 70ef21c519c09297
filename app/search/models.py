"""The search index: one row per searchable item of any feature.

The database-specific full-text structures are not models: they are made
by the migration ``0002_search_notifications`` and named ``search_fts*``:

- SQLite: the FTS5 table ``search_fts`` (external content over
  ``search_documents.terms``, tokenizer ``unicode61``), kept in sync by the
  triggers ``search_fts_insert``, ``search_fts_update`` and
  ``search_fts_delete``;
- PostgreSQL: the generated column ``search_documents.search_fts_tsv``
  (``to_tsvector('simple', terms)``) and its GIN index ``search_fts_gin``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db

KIND_MAX = 32
TITLE_MAX = 300
URL_MAX = 500


class SearchDocument(db.Model):
    """A searchable item: its plain (already masked) text, where it lives, and its words."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index("ix_search_documents_kind_created_at", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(URL_MAX))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # jieba words of title (twice) and body, separated by spaces; what the full-text index reads
    terms: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind}:{self.ref_id}>"
