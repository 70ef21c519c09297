"""The CLI commands of API.md."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.departments.models import Department
from app.extensions import db


def test_departments_and_users_create(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["departments", "create", "zj-gat", "--name", "浙江省公安厅"])
    assert result.exit_code == 0, result.output
    dept_id = int(result.output.strip())
    result = runner.invoke(args=["users", "create", "officer1", "--password", "password123", "--role", "officer", "--department", "zj-gat", "--verified"])
    assert result.exit_code == 0, result.output
    user_id = int(result.output.strip())
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.role == "officer" and user.department_id == dept_id and user.verified
    result = runner.invoke(args=["users", "create", "plain", "--password", "password123"])
    assert result.exit_code == 0
    with app.app_context():
        user = db.session.get(User, int(result.output.strip()))
        assert user.role == "citizen" and not user.verified


def test_cli_refuses_bad_input_with_message(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["departments", "create", "Bad Slug", "--name", "x"]).exit_code != 0
    result = runner.invoke(args=["users", "create", "someone", "--password", "short"])
    assert result.exit_code != 0 and "password" in result.output
    result = runner.invoke(args=["users", "create", "someone", "--password", "password123", "--role", "officer"])
    assert result.exit_code != 0 and "department" in result.output
    result = runner.invoke(args=["users", "create", "someone", "--password", "password123", "--role", "officer", "--department", "nope"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
        assert db.session.scalar(select(func.count(Department.id))) == 0


def test_set_role_and_verify(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["departments", "create", "d1", "--name", "部门一"])
    assert runner.invoke(args=["users", "create", "user1", "--password", "password123"]).exit_code == 0
    result = runner.invoke(args=["users", "set-role", "user1", "moderator"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["users", "verify", "USER1"]).exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "user1"))
        assert user.role == "moderator" and user.verified


def test_seed_demo_fills_an_empty_database_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        departments = db.session.scalars(select(Department)).all()
        assert len(departments) >= 12
        assert {d.level for d in departments} >= {"province", "city"}
        roles = set(db.session.scalars(select(User.role)))
        assert roles == {"citizen", "officer", "moderator", "admin"}
        from app.departments.models import Service

        assert db.session.scalar(select(func.count(Service.id))) >= 60
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code != 0
    result = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
