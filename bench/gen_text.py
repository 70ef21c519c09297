"""Plausible Chinese text for the data generator, with its search words.

Texts are composed from a finite set of sentences, so the search index's
``terms`` can be computed with the application's own segmentation
(``app.search.text.words``, i.e. jieba) once per distinct sentence and then
reused for millions of texts — the index is exactly what the application
would have written, at a fraction of the cost.
"""

from __future__ import annotations

import random
from functools import lru_cache

PLACES = [
    "西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "鄞州区", "海曙区",
    "江北区", "北仑区", "鹿城区", "瓯海区", "越城区", "柯桥区", "南湖区", "文三路", "莫干山路", "天目山路",
    "中山路", "解放路", "学院路", "人民路", "环城北路", "城西银泰", "火车东站", "市民中心", "体育中心",
    "第一人民医院", "实验小学",
]
ISSUES = {
    "traffic": ["道路积水", "红绿灯时长", "公交班次", "停车难", "非机动车道", "人行横道", "路面破损", "地铁接驳",
                "共享单车乱停", "学校门口拥堵"],
    "social": ["社保转移", "医保报销", "养老金发放", "失业登记", "灵活就业参保", "异地就医备案", "退休手续",
               "公积金提取", "居住证办理", "户口迁移"],
    "city": ["垃圾分类", "噪音扰民", "绿化养护", "路灯不亮", "老旧小区改造", "加装电梯", "排水设施", "违章搭建",
             "油烟污染", "河道保洁"],
    "service": ["营业执照办理", "食品经营许可", "网上办事", "窗口排队", "材料重复提交", "预约号源", "证明材料",
                "办事指南", "一网通办", "最多跑一次"],
    "education": ["入学报名", "学位分配", "课后服务", "校车安全", "食堂卫生", "学籍转学", "托育服务", "校外培训",
                  "课桌椅高度", "体育场地开放"],
}
TITLES = {
    "suggestion": ["建议改善{place}{issue}问题", "关于{place}{issue}的建议", "希望优化{place}的{issue}", "能否统一规划{place}{issue}"],
    "complaint": ["投诉{place}{issue}长期未解决", "反映{place}{issue}严重影响生活", "{place}{issue}多次反映无果"],
    "question": ["咨询{place}{issue}如何办理", "请问{issue}需要哪些材料", "{place}{issue}办理时限多久"],
    "praise": ["表扬{place}{issue}服务热情周到", "感谢{place}窗口办事高效", "点赞{place}{issue}工作人员耐心细致"],
}
BODY = [
    "最近发现{place}的{issue}问题比较突出。",
    "每天早晚高峰时段情况尤其明显。",
    "周边居民和上班族意见很大。",
    "之前打过12345热线，也在浙里办上留言过。",
    "希望相关部门能够实地查看并给出解决方案。",
    "建议参考其他城市的做法，分时段管理。",
    "这个问题涉及老人和孩子的安全。",
    "窗口工作人员态度很好，但是流程还可以简化。",
    "感谢政府部门的关注，期待回复。",
]
ANSWER = [
    "您好，您反映的问题已收悉。",
    "经现场核实，情况基本属实。",
    "我们已会同属地街道制定整改方案。",
    "预计本月底前完成整改，届时将回访。",
    "感谢您对我们工作的支持和监督。",
]
COMMENTS = [
    "同感，我家附近也是这样。",
    "支持楼主，希望尽快解决。",
    "上周已经有工作人员来看过了。",
    "这个问题确实存在很久了。",
    "感谢部门回复，期待落实。",
    "建议增加公示进度，方便大家监督。",
    "我也遇到过类似的情况，打了热线很快就处理了。",
]
RATING_COMMENTS = ["办事很方便，一次就办好了。", "排队时间太长。", "工作人员很耐心。", "材料要求不清楚，跑了两趟。",
                   "线上办理很快。", "指南写得很清楚。", "系统经常卡顿。"]
DOMAINS = list(ISSUES)


@lru_cache(maxsize=200_000)
def words(sentence: str) -> tuple[str, ...]:
    """The application's index words of one sentence (cached)."""
    from app.search.text import words as app_words

    return tuple(app_words(sentence))


class Composer:
    """Titles, bodies, answers and comments from a seeded random source."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)

    def topic(self, domain: str | None = None) -> tuple[str, str]:
        domain = domain or self.rng.choice(DOMAINS)
        return self.rng.choice(PLACES), self.rng.choice(ISSUES[domain])

    def title(self, kind: str, place: str, issue: str) -> str:
        return self.rng.choice(TITLES[kind]).format(place=place, issue=issue)

    def body(self, place: str, issue: str, sentences: int = 3) -> list[str]:
        picked = [BODY[0]] + self.rng.sample(BODY[1:], sentences - 1)
        return [s.format(place=place, issue=issue) for s in picked]

    def answer(self) -> str:
        return "".join(ANSWER[: self.rng.randint(3, 5)])

    def comment(self) -> str:
        return self.rng.choice(COMMENTS)


def terms(title: str, sentences: list[str]) -> str:
    """The ``terms`` column as ``app.search.text.document_terms`` writes it: title words twice, then the body's."""
    title_words = list(words(title))
    body_words = [w for s in sentences for w in words(s)]
    return " ".join(title_words + title_words + body_words)
