"""The baseline for ``bench/run.py``: the least a Flask page can do.

Bare Flask + Flask-SQLAlchemy rendering a 20-row Jinja table from an
indexed table (the newest threads by primary key) of the same database,
served by the same gunicorn settings. Every Minyi endpoint is reported as a
ratio of this page's requests per second.

    DATABASE_URL=… gunicorn -c gunicorn.conf.py bench.baseline:app
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
db = SQLAlchemy(app)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>baseline</title></head>
<body><table>
<thead><tr><th>#</th><th>标题</th><th>状态</th><th>时间</th></tr></thead>
<tbody>{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.title }}</td><td>{{ row.status }}</td><td>{{ row.created_at }}</td></tr>{% endfor %}</tbody>
</table></body></html>"""


@app.get("/")
def index():
    """Twenty newest rows by primary key."""
    rows = db.session.execute(text("SELECT id, title, status, created_at FROM proposals ORDER BY id DESC LIMIT 20")).all()
    return render_template_string(PAGE, rows=rows)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
