"""Words for the search index: jieba segmentation, normalised the same way for documents and queries.

Chinese has no spaces between words, so the index stores the words jieba
finds (``cut_for_search``: each word plus the shorter dictionary words inside
it, e.g. 西湖区 → 西湖, 湖区, 西湖区) separated by spaces. Both databases then
only need to split on spaces: FTS5's ``unicode61`` tokenizer and
PostgreSQL's ``simple`` configuration do exactly that with words made only of
letters and digits, which is what ``words()`` returns.

jieba loads its dictionary (about a second) the first time a process needs
it, never at import.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from pathlib import Path

MAX_WORD_LENGTH = 40  # longer runs (hashes, pasted garbage) are not words
MAX_QUERY_LENGTH = 200  # characters of a query that are looked at
MAX_QUERY_TERMS = 24

# Single characters that carry no meaning on their own (particles, pronouns,
# measure words). Other single characters (路, 水, 车 …) are kept.
CHINESE_STOP_CHARS = frozenset(
    "的了着过是在和与及或也都就而并且把被让给对从向于为以之其此这那有我你他她它们吗呢吧啊呀哦嗯个"
)
LATIN_STOP_WORDS = frozenset({"the", "and", "or", "of", "to", "in", "is", "are", "for", "on", "with", "an", "at", "by"})
# Words nearly every citizen's message contains: useless for telling which
# threads are *similar* (and costly to rank), so ``similar`` ignores them.
# Search itself keeps them: there the user chose the words.
COMMON_WORDS = frozenset(
    "如何 怎么 怎样 为什么 什么 请问 问题 希望 建议 能否 可以 是否 能不能 关于 一下 我们 你们 他们 市民 谢谢 "
    "没有 还是 一个 这个 那个 非常 已经 目前 现在 情况 相关 部门 尽快 解决 反映 要求 需要 进行".split()
)
# Domain words jieba's general dictionary splits badly.
USER_WORDS = Path(__file__).with_name("words.txt")

_word = re.compile(r"[^\W_]+")  # letters and digits only, as both databases tokenise them
_lock = threading.Lock()
_tokenizer = None


def _jieba():
    """The process's jieba tokenizer, loaded on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                if USER_WORDS.exists():
                    tokenizer.load_userdict(str(USER_WORDS))
                _tokenizer = tokenizer
    return _tokenizer


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case: ＡＢＣ and abc are the same word."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _keep(word: str) -> bool:
    if len(word) > MAX_WORD_LENGTH:
        return False
    if len(word) == 1:
        return word not in CHINESE_STOP_CHARS and not ("a" <= word <= "z")
    return word not in LATIN_STOP_WORDS


def words(text: str) -> list[str]:
    """The index words of a text, in order, repeats kept (term frequency counts)."""
    text = normalise(text)
    if not text.strip():
        return []
    found = []
    for token in _jieba().cut_for_search(text):
        for word in _word.findall(token):
            if _keep(word):
                found.append(word)
    return found


def document_terms(title: str, body: str) -> str:
    """The ``terms`` column: the title's words twice (title matches rank higher), then the body's."""
    title_words = words(title)
    return " ".join(title_words + title_words + words(body))


def query_terms(q: str) -> list[str]:
    """The distinct words of a user's query, in order (at most ``MAX_QUERY_TERMS``)."""
    seen: dict[str, None] = {}
    for word in words((q or "")[:MAX_QUERY_LENGTH]):
        seen.setdefault(word, None)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return list(seen)


def similarity_terms(text: str) -> list[str]:
    """The words ``similar`` compares: the query words without the most common ones."""
    return [term for term in query_terms(text) if term not in COMMON_WORDS]


def fts5_query(terms: list[str], operator: str = "AND") -> str:
    """An FTS5 MATCH expression: every term quoted, so user input is never syntax."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    return f" {operator} ".join(quoted)
