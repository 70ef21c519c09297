"""Seed step: departments, services and users of every role."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.models import User
from app.accounts.services import hash_password, username_key
from app.clock import utcnow
from app.departments.models import Department, Service
from app.extensions import db
from app.seed import DEMO_PASSWORD, DemoContext
from app.seed.data import DEPARTMENTS

CITIZEN_NAMES = (
    "王晓明", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏",
    "徐鹏", "孙悦", "胡军", "朱婷", "高翔", "林芳", "何勇", "郭琳", "马超", "罗霞",
    "hz_runner", "nb-teacher", "wz_driver", "xihu.resident", "qiantang2024", "shaoxing_mom",
    "jiaxing_farmer", "old_zhang", "student_lin", "dr_chen",
)


def _user(context: DemoContext, name: str, password_hash: str, days_old: int, **fields) -> User:
    user = User(
        username=name,
        username_key=username_key(name),
        email=f"{len(context.users) + 1}@demo.minyi.invalid",
        password_hash=password_hash,
        created_at=utcnow() - timedelta(days=days_old),
        **fields,
    )
    db.session.add(user)
    context.users[name] = user
    return user


def seed_foundation(context: DemoContext) -> None:
    """Departments and services from ``data.py``; admin, moderators, officers, citizens."""
    now = utcnow()
    for entry in DEPARTMENTS:
        parent = context.departments.get(entry["parent"]) if entry["parent"] else None
        department = Department(
            slug=entry["slug"],
            name=entry["name"],
            level=entry["level"],
            description=entry["description"],
            parent_id=parent.id if parent else None,
            created_at=now - timedelta(days=800),
        )
        db.session.add(department)
        db.session.flush()
        context.departments[department.slug] = department
        for item in entry["services"]:
            service = Service(
                department_id=department.id,
                code=item["code"],
                name=item["name"],
                guide=item["guide"],
                created_at=now - timedelta(days=700),
            )
            db.session.add(service)
            context.services.append(service)

    # One password for every demo account: hash it once.
    password_hash = hash_password(DEMO_PASSWORD)
    _user(context, "admin", password_hash, 900, role="admin", verified=True)
    _user(context, "moderator", password_hash, 800, role="moderator", verified=True)
    _user(context, "moderator2", password_hash, 500, role="moderator", verified=True)
    for slug, department in context.departments.items():
        officer = _user(
            context, f"officer-{slug}", password_hash, 600, role="officer", department_id=department.id, verified=True
        )
        context.officers.setdefault(slug, []).append(officer)
    for index in range(1, 41):
        name = f"citizen{index:02d}"
        context.citizens.append(
            _user(context, name, password_hash, context.rng.randint(40, 700), verified=context.rng.random() < 0.7)
        )
    for name in CITIZEN_NAMES:
        context.citizens.append(
            _user(context, name, password_hash, context.rng.randint(1, 900), verified=context.rng.random() < 0.6)
        )
    db.session.flush()
