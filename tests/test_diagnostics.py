"""The benchmark's query-count header."""

from app import create_app


def test_query_count_header_reports_statements(app, tmp_path):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], QUERY_COUNT_HEADER=True)
    response = other.test_client().get("/healthz")
    assert response.headers["X-Query-Count"] == "1"
    assert "X-Query-Count" not in app.test_client().get("/healthz").headers
