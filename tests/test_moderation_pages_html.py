"""Every comment and moderation page is valid HTML (Nu Html Checker) for the roles that see it,
forms included: the thread page with nested comments and their forms, the queue's tabs, the
account page, banned words, flag and appeal forms, the edit page and the log."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests import factories
from tests import factories_campaigns as fc
from tests import factories_moderation as fm
from tests import factories_proposals as fp
from tests.test_site_crawl import VNU_JAR


def test_pages_are_valid_html(app, tmp_path):
    if not VNU_JAR or not shutil.which("java"):
        pytest.skip("Nu Html Checker (npm vnu-jar) or java missing; CI installs them")
    s = fm.Scene(app)
    one = fm.comment(app, s.citizens[0], s.thread, "第一层 **加粗** [链接](https://example.cn)")
    two = fm.comment(app, s.citizens[1], s.thread, "第二层", parent=one)
    three = fm.comment(app, s.citizens[2], s.thread, "第三层", parent=two)
    fm.comment(app, factories.user(app, role="citizen"), s.thread, "待审核的新用户评论")
    hidden = fm.comment(app, s.citizens[0], s.thread, "被隐藏")
    fm.moderate(app, s.moderator, "comment", hidden.id, "hide", "广告")
    deleted = fm.comment(app, s.citizens[1], s.thread, "要删除")
    fm.comment(app, s.citizens[2], s.thread, "回复已删除的", parent=deleted)
    with app.app_context():
        from app.accounts.models import User
        from app.comments.models import Comment
        from app.comments.services import delete_comment, edit_comment
        from app.extensions import db
        from app.moderation.appeals import appeal

        edit_comment(db.session.get(User, s.citizens[0].id), db.session.get(Comment, one.id), "第一层（改）")
        delete_comment(db.session.get(User, s.citizens[1].id), db.session.get(Comment, deleted.id))
        appeal(db.session.get(User, s.citizens[0].id), "comment", hidden.id, "请复核")
        db.session.commit()
    for user in (s.citizens[0], s.citizens[1], s.citizens[3]):
        fm.flag(app, user, "comment", three.id, "abuse", "不友善")
    fp.proposal(app, s.author, unsure=True)
    case = fc.case(app, s.cast.department)
    fm.comment(app, s.citizens[0], case, "案例评论", target_type="case")
    fm.suspend(app, s.moderator, s.citizens[3], 2, "刷屏")
    fm.comment(app, s.citizens[1], s.thread, "手机13812345678")
    pages = {
        "visitor": [f"/proposals/{s.thread.id}", f"/cases/{case.id}", "/moderation/log"],
        "author": [f"/proposals/{s.thread.id}", f"/comments/{one.id}/edit",
                   f"/moderation/appeals/new?target_type=comment&target_id={hidden.id}", f"/flags/new?target_type=comment&target_id={two.id}"],
        "suspended": [f"/proposals/{s.thread.id}"],
        "moderator": [f"/proposals/{s.thread.id}", f"/cases/{case.id}", "/moderation", "/moderation?tab=flagged",
                      "/moderation?tab=appeals", "/moderation?tab=personal", "/moderation?tab=routing",
                      f"/moderation/users/{s.citizens[0].id}", f"/moderation/users/{s.citizens[3].id}", "/moderation/banned-words"],
    }
    users = {"author": s.citizens[0], "suspended": s.citizens[3], "moderator": s.moderator}
    files = []
    for role, paths in pages.items():
        client = app.test_client()
        if role in users:
            client.login(users[role].username)
        for index, path in enumerate(paths):
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            file = tmp_path / f"{role}-{index}.html"
            file.write_text(response.get_data(as_text=True), encoding="utf-8")
            files.append((file, f"{role} {path}"))
    # a refused post shows the form again
    author = app.test_client()
    author.login(s.citizens[0].username)
    response = author.submit(f"/comments/proposal/{s.thread.id}", {"body": "第四层", "parent_id": str(three.id)})
    file = tmp_path / "refused.html"
    file.write_text(response.get_data(as_text=True), encoding="utf-8")
    files.append((file, "refused post"))
    result = subprocess.run(["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", *[str(f) for f, _ in files]],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    names = {str(f): label for f, label in files}
    errors = [f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m.get('message')} [{m.get('extract', '')[:80]}]"
              for m in messages if m.get("type") == "error"]
    assert errors == [], "\n".join(errors[:30])
