"""Fast bulk loading for the data generator: executemany on SQLite, COPY on PostgreSQL.

Secondary indexes (and SQLite's full-text triggers) are dropped before a
load and rebuilt afterwards, which is several times faster than keeping
them up to date row by row; unique constraints stay, so duplicates still
fail loudly.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from sqlalchemy import JSON, Boolean, text

CHUNK = 20_000


def _plain(value: Any, is_json: bool) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    if is_json and value is not None and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


class Loader:
    """Writes rows into the tables of ``metadata`` through ``engine``."""

    def __init__(self, engine, metadata, log=print) -> None:
        self.engine = engine
        self.metadata = metadata
        self.dialect = engine.dialect.name
        self.log = log
        self.saved_indexes: list[str] = []
        self.saved_triggers: list[str] = []
        self.counts: dict[str, int] = {}

    # -- indexes -------------------------------------------------------------

    def drop_secondary_indexes(self) -> None:
        """Remember and drop every non-unique index (and SQLite's FTS triggers)."""
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                rows = conn.execute(text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND sql NOT LIKE 'CREATE UNIQUE%'")).all()
                triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
                for name, sql in triggers:
                    self.saved_triggers.append(sql)
                    conn.execute(text(f'DROP TRIGGER "{name}"'))
            else:
                rows = conn.execute(text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                    "AND i.indexdef NOT LIKE 'CREATE UNIQUE%' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conname = i.indexname)")).all()
            for name, sql in rows:
                self.saved_indexes.append(sql)
                conn.execute(text(f'DROP INDEX "{name}"'))
        self.log(f"dropped {len(self.saved_indexes)} indexes, {len(self.saved_triggers)} triggers for the load")

    def restore_indexes(self) -> None:
        """Recreate the dropped indexes and triggers; rebuild SQLite's FTS table."""
        started = time.monotonic()
        with self.engine.begin() as conn:
            for sql in self.saved_indexes:
                conn.execute(text(sql))
            for sql in self.saved_triggers:
                conn.execute(text(sql))
            if self.dialect == "sqlite" and self.saved_triggers:
                conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        self.log(f"rebuilt {len(self.saved_indexes)} indexes in {time.monotonic() - started:.0f}s")

    # -- rows ----------------------------------------------------------------

    def insert(self, table_name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert tuples (in ``columns`` order); NOT NULL columns left out get their scalar default."""
        table = self.metadata.tables[table_name]
        columns = list(columns)
        extra_names, extra_values = [], []
        for column in table.columns:
            if column.name in columns or column.nullable or column.primary_key and column.autoincrement is True:
                continue
            default = column.default.arg if column.default is not None and column.default.is_scalar else None
            if default is None and isinstance(column.type, Boolean):
                default = False
            if default is None and isinstance(column.type, JSON):
                default = []
            if default is None:
                continue  # let the database complain if it really is required
            extra_names.append(column.name)
            extra_values.append(default)
        all_columns = columns + extra_names
        json_flags = [isinstance(table.columns[name].type, JSON) for name in all_columns]
        extra = tuple(extra_values)

        def prepared():
            for row in rows:
                yield tuple(_plain(v, j) for v, j in zip(tuple(row) + extra, json_flags))

        count = self._write(table_name, all_columns, prepared())
        self.counts[table_name] = self.counts.get(table_name, 0) + count
        return count

    def _write(self, table_name: str, columns: list[str], rows: Iterable[tuple]) -> int:
        raw = self.engine.raw_connection()
        count = 0
        try:
            cursor = raw.cursor()
            if self.dialect == "sqlite":
                sql = f'INSERT INTO "{table_name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
                cursor.execute("PRAGMA synchronous = OFF")  # a scratch load: no fsync per commit
                cursor.execute("BEGIN")
                chunk: list[tuple] = []
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= CHUNK:
                        cursor.executemany(sql, chunk)
                        count += len(chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                cursor.execute("COMMIT")
            else:
                with cursor.copy(f'COPY "{table_name}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                raw.commit()
        finally:
            raw.close()
        return count

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)

    def fix_sequences(self) -> None:
        """PostgreSQL: move every id sequence past the ids we wrote."""
        if self.dialect != "postgresql":
            return
        with self.engine.begin() as conn:
            for table in self.metadata.sorted_tables:
                if "id" in table.columns and table.columns["id"].autoincrement is not False:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))

    def analyze(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
