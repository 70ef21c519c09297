"""The search services on the real database (SQLite FTS5 or PostgreSQL tsvector): matching, ranking, sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.clock import utcnow
from app.departments.models import Service
from app.extensions import db
from app.search import services as search
from app.search.models import SearchDocument
from tests import factories
from tests import factories_search as fs

WATERLOGGING = "杭州市西湖区道路积水严重，希望尽快修缮排水设施"


def _found(app, q, **kwargs) -> list[int]:
    with app.app_context():
        return [hit.ref_id for hit in search.search(q, **kwargs).items]


def _fts_count(app, q) -> int:
    """Rows the database's own full-text index matches, bypassing the services."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            sql = "SELECT count(*) FROM search_documents WHERE search_fts_tsv @@ plainto_tsquery('simple', :q)"
        else:
            sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH :q"
        return db.session.scalar(text(sql), {"q": q})


@pytest.mark.parametrize("q", ["积水", "排水设施", "西湖区 积水", "修缮", "杭州 积水", "道路积水"])
def test_words_in_the_middle_of_a_chinese_sentence_are_found(app, q):
    ref = fs.document(app, title="市民来信", body=WATERLOGGING)
    fs.document(app, title="公交线路调整", body="建议增开夜间公交线路")
    assert _found(app, q) == [ref]


@pytest.mark.parametrize("q", ["地铁", "积水 地铁", "西湖 公交"])
def test_documents_without_every_word_are_not_found(app, q):
    fs.document(app, title="市民来信", body=WATERLOGGING)
    assert _found(app, q) == []


def test_title_matches_rank_above_body_matches(app):
    in_body = fs.document(app, title="关于城市管理的建议", body="小区门口的道路积水问题需要处理，另外绿化也要维护")
    in_title = fs.document(app, title="道路积水问题", body="小区门口的情况需要处理，另外绿化也要维护一下")
    assert _found(app, "积水") == [in_title, in_body]


def test_more_matches_rank_higher(app):
    once = fs.document(app, title="建议", body="积水。" + "其他内容" * 20)
    often = fs.document(app, title="建议", body="积水积水，又是积水。" + "其他内容" * 20)
    assert _found(app, "积水") == [often, once]


def test_equal_ranks_show_newest_first(app):
    old = fs.document(app, title="积水", body="同样的内容", created_at=utcnow() - timedelta(days=3))
    new = fs.document(app, title="积水", body="同样的内容", created_at=utcnow())
    assert _found(app, "积水") == [new, old]


def test_latin_words_match_case_and_width_insensitively(app):
    ref = fs.document(app, title="ETC 通行卡", body="高速公路 ＥＴＣ 设备故障")
    assert _found(app, "etc") == [ref] and _found(app, "ＥＴＣ 故障") == [ref]


def test_update_and_remove_keep_the_full_text_index_in_sync(app):
    ref = fs.document(app, kind="proposal", ref_id=7, title="道路积水", body=WATERLOGGING)
    assert _fts_count(app, "积水") == 1
    fs.document(app, kind="proposal", ref_id=7, title="公园绿化", body="希望增加公园的树木")
    assert _found(app, "积水") == [] and _found(app, "绿化") == [ref]
    assert _fts_count(app, "积水") == 0 and _fts_count(app, "绿化") == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(SearchDocument.id))) == 1  # an upsert, not a second row
        assert search.remove_document("proposal", 7) is True
        assert search.remove_document("proposal", 7) is False
        db.session.commit()
    assert _found(app, "绿化") == [] and _fts_count(app, "绿化") == 0


def test_upsert_keeps_created_at_unless_given(app):
    first = utcnow() - timedelta(days=10)
    fs.document(app, ref_id=3, title="积水", created_at=first)
    fs.document(app, ref_id=3, title="积水 排水")
    with app.app_context():
        (hit,) = search.search("排水").items
        assert abs((hit.created_at - first).total_seconds()) < 1


def test_kinds_and_department_filter(app):
    a = factories.department(app)
    b = factories.department(app)
    p = fs.document(app, kind="proposal", title="积水", department=a)
    c = fs.document(app, kind="comment", title="积水", department=b)
    assert sorted(_found(app, "积水")) == sorted([p, c])
    assert _found(app, "积水", kinds=["comment"]) == [c]
    assert _found(app, "积水", department_id=a.id) == [p]
    with app.app_context():
        page = search.search("积水", kinds=["comment"])
        assert page.total == 1 and page.kind_counts == {"proposal": 1, "comment": 1}
        assert page.items[0].department_slug == b.slug and page.items[0].department_name == b.name


HOSTILE = [
    '"', '""', "'", "*", "积水*", "NEAR(积水 排水)", "积水 OR 地铁", "积水 AND", "NOT 积水", "(", ")", "((积水",
    "-积水", "^积水", "积水:", "terms:积水", "search_fts", "{a b}", "\\", "%", "_", "\x00", "积水\x00排水",
    "'; DROP TABLE search_documents; --", "积水" * 5000, "a" * 100_000, "😀🚧", "\u202e积水", "",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_break_the_query_syntax(app, q):
    fs.document(app, title="道路积水", body=WATERLOGGING)
    with app.app_context():
        page = search.search(q)
        assert page.total == len(page.items) <= 1
        search.similar(q, "proposal")
        db.session.execute(select(func.count()).select_from(search.ranked_ids(q, "proposal").subquery())).scalar()


def test_hostile_query_with_real_words_still_finds_them(app):
    ref = fs.document(app, title="道路积水", body=WATERLOGGING)
    assert _found(app, '(("积水" 排水*') == [ref]
    assert _found(app, "-积水") == [ref]  # no NOT operator: the word itself is searched


def test_pagination_bounds(app):
    for i in range(7):
        fs.document(app, title=f"积水{i}号", body="积水")
    with app.app_context():
        first = search.search("积水", per_page=3)
        assert (first.total, len(first.items), first.pages, first.has_next) == (7, 3, 3, True)
        last = search.search("积水", page=3, per_page=3)
        assert len(last.items) == 1 and not last.has_next
        beyond = search.search("积水", page=10_000, per_page=100)
        assert beyond.items == [] and beyond.total == 7
        capped = search.search("积水", page=0, per_page=10_000)
        assert capped.page == 1 and capped.per_page == 100 and len(capped.items) == 7
        ids = [hit.ref_id for p in (1, 2, 3) for hit in search.search("积水", page=p, per_page=3).items]
        assert len(set(ids)) == 7


def test_search_runs_two_queries_whatever_the_size(app, count_queries):
    for i in range(3):
        fs.document(app, title=f"积水{i}", body=WATERLOGGING)
    with app.app_context():
        search.search("x")  # warm up jieba outside the count
        with count_queries() as small:
            search.search("积水 排水")
    for i in range(40):
        fs.document(app, title=f"积水{i}", body=WATERLOGGING, kind="comment" if i % 2 else "proposal")
    with app.app_context(), count_queries() as large:
        assert len(search.search("积水 排水", per_page=50).items) == 43
    assert small.count == large.count == 2, large


def test_ranked_ids_joins_a_features_own_list(app):
    dept = factories.department(app)
    water = factories.service(app, dept, name="排水许可", guide="城镇污水排入排水管网许可")
    factories.service(app, dept, name="户口迁移", guide="省内跨市迁入")
    fs.document(app, kind="proposal", ref_id=water.id, title="排水")  # same id, other kind: not joined
    with app.app_context():
        hits = search.ranked_ids("排水", "service").subquery()
        rows = db.session.execute(
            select(Service.name, hits.c.rank).join(hits, hits.c.ref_id == Service.id).order_by(hits.c.rank.desc())
        ).all()
        assert [name for name, _ in rows] == ["排水许可"]
        assert isinstance(rows[0].rank, float)
        empty = search.ranked_ids("的了", "service").subquery()
        assert db.session.execute(select(Service.id).join(empty, empty.c.ref_id == Service.id)).all() == []


def test_ranked_ids_rank_is_higher_for_better_matches(app):
    weak = fs.document(app, kind="proposal", title="城市管理", body="积水" + "，其他" * 30)
    strong = fs.document(app, kind="proposal", title="积水积水", body="积水")
    with app.app_context():
        hits = search.ranked_ids("积水", "proposal").subquery()
        ordered = db.session.execute(select(hits.c.ref_id).order_by(hits.c.rank.desc())).scalars().all()
    assert ordered == [strong, weak]


def test_similar_prefers_documents_sharing_most_words_of_the_title(app):
    best = fs.document(app, title="西湖区道路积水严重", body="下雨就淹")
    some = fs.document(app, title="道路积水", body="")
    fs.document(app, title="公交线路调整", body="")
    fs.document(app, kind="comment", title="西湖区道路积水严重")
    with app.app_context():
        found = [hit.ref_id for hit in search.similar("西湖区的道路积水问题", "proposal")]
        assert found == [best, some]
        assert [h.ref_id for h in search.similar("西湖区的道路积水问题", "proposal", exclude_ref_id=best)] == [some]
        assert search.similar("的", "proposal") == []
        assert len(search.similar("道路", "proposal", limit=1)) == 1


def test_index_document_refuses_programming_errors(app):
    with app.app_context():
        for kind, url in (("Proposal", "/p/1"), ("", "/p/1"), ("proposal", "https://evil.example/"), ("proposal", "//x")):
            with pytest.raises(ValueError):
                search.index_document(kind, 1, title="t", body="b", url=url)
        db.session.rollback()


def test_long_titles_are_cut_and_long_bodies_indexed(app):
    ref = fs.document(app, title="积水" * 400, body="开头" + "内容" * 10_000 + "排水设施")
    with app.app_context():
        (hit,) = search.search("排水设施").items
    assert hit.ref_id == ref and len(hit.title) == 300 and "<mark>排水设施</mark>" in hit.snippet_html


def test_similar_is_not_fooled_by_common_words(app):
    fs.document(app, title="希望尽快解决问题", body="")
    parking = fs.document(app, title="小区停车难", body="")
    with app.app_context():
        assert [hit.ref_id for hit in search.similar("希望尽快解决小区停车问题", "proposal")] == [parking]
