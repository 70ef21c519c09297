"""Generator: departments, services and users (see bench/generate.py)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from gen_text import DOMAINS

PROVINCE = [
    ("gat", "浙江省公安厅", "traffic"), ("rst", "浙江省人力资源和社会保障厅", "social"),
    ("zjt", "浙江省住房和城乡建设厅", "city"), ("scjg", "浙江省市场监督管理局", "service"),
    ("jyt", "浙江省教育厅", "education"), ("jtt", "浙江省交通运输厅", "traffic"),
    ("wjw", "浙江省卫生健康委员会", "social"), ("sthjt", "浙江省生态环境厅", "city"),
    ("mzt", "浙江省民政厅", "social"), ("ybj", "浙江省医疗保障局", "social"), ("zrzyt", "浙江省自然资源厅", "city"),
    ("swj", "国家税务总局浙江省税务局", "service"), ("sjj", "浙江省数据局", "service"), ("slt", "浙江省水利厅", "city"),
    ("nynct", "浙江省农业农村厅", "city"), ("wht", "浙江省文化和旅游厅", "service"), ("kjt", "浙江省科学技术厅", "service"),
    ("swt", "浙江省商务厅", "service"), ("sft", "浙江省司法厅", "social"), ("tyj", "浙江省体育局", "education"),
    ("yjglt", "浙江省应急管理厅", "city"), ("tjj", "浙江省统计局", "service"), ("gjj", "浙江省住房公积金监管中心", "social"),
    ("xfj", "浙江省信访局", "social"),
]
CITIES = [("hz", "杭州市", "330100"), ("nb", "宁波市", "330200"), ("wz", "温州市", "330300"), ("jx", "嘉兴市", "330400"),
          ("hu", "湖州市", "330500"), ("sx", "绍兴市", "330600"), ("jh", "金华市", "330700"), ("qz", "衢州市", "330800"),
          ("zs", "舟山市", "330900"), ("tz", "台州市", "331000"), ("ls", "丽水市", "331100")]
BUREAUS = [("gaj", "公安局", "traffic", "gat"), ("rsj", "人力资源和社会保障局", "social", "rst"),
           ("zjj", "住房和城乡建设局", "city", "zjt"), ("scjg", "市场监督管理局", "service", "scjg"),
           ("jyj", "教育局", "education", "jyt"), ("jtj", "交通运输局", "traffic", "jtt")]
COUNTIES = [("xh", "西湖区", "hz"), ("sc", "上城区", "hz"), ("bj", "滨江区", "hz"), ("yz", "鄞州区", "nb"),
            ("lc", "鹿城区", "wz"), ("kq", "柯桥区", "sx"), ("nh", "南湖区", "jx"), ("wc", "吴兴区", "hu"),
            ("wch", "婺城区", "jh"), ("kc", "柯城区", "qz")]
SERVICE_BASES = {
    "traffic": ["机动车登记", "驾驶证换领", "道路运输证", "临时号牌", "违法处理", "占道施工许可", "出租车投诉", "公交卡办理"],
    "social": ["社保参保登记", "养老保险关系转移", "失业保险金申领", "医保异地备案", "生育津贴申领", "退休审批", "公积金提取", "低保申请"],
    "city": ["建筑工程施工许可", "商品房预售许可", "不动产登记", "房屋租赁备案", "排污许可", "户外广告设置", "既有住宅加装电梯", "物业投诉"],
    "service": ["营业执照办理", "食品经营许可", "特种设备登记", "药品零售许可", "发票申领", "企业注销", "个体户登记", "商标质押"],
    "education": ["新生入学报名", "学籍转学", "教师资格认定", "民办学校审批", "校外培训备案", "学历证明", "托育机构备案", "学生资助申请"],
}
VARIANTS = ["", "（首次申请）", "（变更）", "（注销）", "（补办）", "（延续）", "（线上办理）", "（跨省通办）", "（告知承诺制）",
            "（个人）", "（企业）", "（加急）", "（预约）"]
GUIDE = ("### 办理对象\n\n符合条件的个人或单位。\n\n### 申请材料\n\n- 身份证明\n- 申请表\n- 相关证明材料\n\n"
         "### 办理时限\n\n{days}个工作日\n\n### 办理地点\n\n各级政务服务中心，或通过“浙里办”APP在线办理。\n\n"
         "### 收费标准\n\n不收费\n\n### 咨询电话\n\n12345")


def utc(days_ago: float, now: datetime) -> datetime:
    return now - timedelta(days=days_ago)


def departments(count: int) -> list[dict]:
    """Province, city and county departments, province first (parents before children)."""
    result: list[dict] = []
    province_ids: dict[str, int] = {}
    for abbr, name, domain in PROVINCE:
        if len(result) >= count:
            return result
        result.append({"id": len(result) + 1, "slug": f"zj-{abbr}", "name": name, "level": "province",
                       "parent_id": None, "domain": domain, "region": "330000", "abbr": abbr.upper()})
        province_ids[abbr] = len(result)
    city_ids: dict[tuple[str, str], int] = {}
    for city, city_name, region in CITIES:
        for abbr, bureau, domain, parent in BUREAUS:
            if len(result) >= count - len(COUNTIES):
                break
            result.append({"id": len(result) + 1, "slug": f"{city}-{abbr}", "name": city_name + bureau, "level": "city",
                           "parent_id": province_ids.get(parent), "domain": domain, "region": region, "abbr": abbr.upper()})
            city_ids[(city, abbr)] = len(result)
    for abbr, county, city in COUNTIES:
        if len(result) >= count:
            break
        parent = city_ids.get((city, "scjg"))
        result.append({"id": len(result) + 1, "slug": f"{city}-{abbr}-scjg", "name": county + "市场监督管理局",
                       "level": "county", "parent_id": parent, "domain": "service", "region": "330106",
                       "abbr": "SC" + abbr.upper()})
    return result


def department_rows(depts: list[dict], now: datetime):
    for d in depts:
        yield (d["id"], d["slug"], d["name"], f"{d['name']}负责本领域政务服务和群众诉求办理。", d["parent_id"], d["level"],
               2, 5, 15, utc(900, now))


def services(depts: list[dict], per_department: int, rng: random.Random) -> list[dict]:
    result = []
    for d in depts:
        bases = SERVICE_BASES[d["domain"]]
        for n in range(per_department):
            base = bases[n % len(bases)]
            variant = VARIANTS[(n // len(bases)) % len(VARIANTS)]
            suffix = "" if n < len(bases) * len(VARIANTS) else f"（{n}）"
            result.append({"id": len(result) + 1, "department_id": d["id"], "name": base + variant + suffix,
                           "code": f"{d['region']}-{d['abbr']}-{n + 1:04d}", "days": rng.choice([1, 3, 5, 7, 10, 15, 20])})
    return result


def service_rows(items: list[dict], now: datetime):
    for s in items:
        yield (s["id"], s["department_id"], s["code"], s["name"], GUIDE.format(days=s["days"]), utc(700, now))


def users(depts: list[dict], citizens: int, password_hash: str, rng: random.Random, now: datetime):
    """Admins, moderators, 3 officers per department, then citizens. Returns (rows, layout)."""
    rows = []

    def add(name: str, role: str, department_id=None, verified=True, days_old=800, approved=10):
        uid = len(rows) + 1
        rows.append((uid, name, name.casefold(), f"{name}@bench.minyi.invalid", password_hash, role, department_id,
                     verified, utc(days_old, now), approved))
        return uid

    add("admin", "admin")
    moderators = [add(f"moderator{n:02d}", "moderator") for n in range(1, 21)]
    officers = {d["id"]: [add(f"officer-{d['slug']}-{n}", "officer", d["id"]) for n in (1, 2, 3)] for d in depts}
    first_citizen = len(rows) + 1
    for n in range(citizens):
        add(f"u{n:07d}", "citizen", None, rng.random() < 0.7, rng.uniform(1, 1100), rng.choice([0, 1, 2, 2, 3, 5, 8, 20]))
    layout = {"moderators": moderators, "officers": officers, "first_citizen": first_citizen, "last_citizen": len(rows)}
    return rows, layout


USER_COLUMNS = ("id", "username", "username_key", "email", "password_hash", "role", "department_id", "verified",
                "created_at", "approved_posts")
DEPARTMENT_COLUMNS = ("id", "slug", "name", "description", "parent_id", "level", "ack_days", "answer_days",
                      "close_days", "created_at")
SERVICE_COLUMNS = ("id", "department_id", "code", "name", "guide", "created_at")
DOMAIN_LIST = DOMAINS
