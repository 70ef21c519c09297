"""Translation catalogs: extract, update, compile and check.

Each feature package keeps its own Chinese (zh_CN) catalog in
``app/<feature>/translations`` (core strings in ``app/translations``), so
features can be worked on side by side. A file belongs to a feature when it
lives in ``app/<feature>/``, ``app/templates/<feature>/`` or is the API
module ``app/api/<feature>.py`` (or one of the aliases below).

    python scripts/i18n.py update    # extract new strings into each catalog
    python scripts/i18n.py compile   # .po -> .mo (make run / make test do this)
    python scripts/i18n.py check     # list strings without a Chinese translation
    python scripts/i18n.py fill F.json  # set translations from {"msgid": "译文"} (plural: ["单数", "复数"])
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
LOCALE = "zh_CN"
# Babel resolves zh_CN to zh_Hans_CN, which gettext looks up as zh_Hans_CN, then zh.
LOCALE_DIR = "zh"
NOT_FEATURES = {"api", "templates", "static", "translations", "__pycache__"}
# API modules whose name differs from their feature's package
API_ALIASES = {"auth": "accounts", "services": "departments", "users": "accounts"}
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
JINJA_OPTIONS = {"trimmed": "true", "extensions": ""}


def features() -> list[str]:
    """Feature packages under app/."""
    return sorted(
        p.name for p in APP.iterdir() if p.is_dir() and p.name not in NOT_FEATURES and (p / "__init__.py").exists()
    )


def catalog_dir(owner: str | None) -> Path:
    """Where a feature's (or the core's, for None) catalog lives."""
    return (APP / owner / "translations") if owner else (APP / "translations")


def owner_of(path: Path, known: set[str]) -> str | None:
    """The feature a source file belongs to, or None for core."""
    rel = path.relative_to(APP).parts
    if rel[0] in known:
        return rel[0]
    if rel[0] == "templates" and len(rel) > 2 and rel[1] in known:
        return rel[1]
    if rel[0] == "api" and len(rel) == 2:
        stem = Path(rel[1]).stem
        name = API_ALIASES.get(stem, stem)
        if name in known:
            return name
    return None


def sources() -> list[Path]:
    """Every file that may hold user-facing strings."""
    files = [p for p in APP.rglob("*.py") if "translations" not in p.parts]
    files += list((APP / "templates").rglob("*.html"))
    files += list((APP / "templates").rglob("*.xml"))
    return sorted(files)


def extract() -> dict[str | None, list[tuple]]:
    """Messages per owner: {owner: [(msgid, location)]}."""
    known = set(features())
    found: dict[str | None, list[tuple]] = defaultdict(list)
    for path in sources():
        method = "python" if path.suffix == ".py" else "jinja2"
        options = JINJA_OPTIONS if method == "jinja2" else {}
        with open(path, "rb") as handle:
            for lineno, message, comments, context in _extract(method, handle, options):
                found[owner_of(path, known)].append((message, (str(path.relative_to(ROOT)), lineno), comments, context))
    return found


def _extract(method, handle, options):
    from babel.messages.extract import extract

    func = "jinja2.ext:babel_extract" if method == "jinja2" else "python"
    for lineno, message, comments, context in extract(func, handle, keywords=KEYWORDS, options=options):
        yield lineno, message, comments, context


def po_path(owner: str | None) -> Path:
    return catalog_dir(owner) / LOCALE_DIR / "LC_MESSAGES" / "messages.po"


def load(owner: str | None) -> Catalog:
    path = po_path(owner)
    if path.exists():
        with open(path, "rb") as handle:
            return read_po(handle, locale=LOCALE)
    return Catalog(locale=LOCALE, project="Minyi", charset="utf-8")


def update() -> None:
    """Add new strings to each catalog and drop strings no longer used."""
    for owner, messages in extract().items():
        template = Catalog(locale=LOCALE, project="Minyi", charset="utf-8")
        for message, location, comments, context in messages:
            template.add(message, locations=[location], auto_comments=comments, context=context)
        catalog = load(owner)
        before = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.creation_date = created  # no header churn: catalogs merge cleanly across branches
        after = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
        path = po_path(owner)
        if path.exists() and before == after:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            write_po(handle, catalog, width=0, sort_output=True, omit_header=False, include_lineno=False)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def all_catalogs() -> list[Path]:
    return sorted(APP.glob("**/translations/*/LC_MESSAGES/messages.po"))


def compile_all() -> None:
    """Write a .mo next to every .po (skipping unchanged ones)."""
    for po in all_catalogs():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=LOCALE)
        with open(mo, "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def untranslated() -> list[tuple[str, str]]:
    """(msgid, file) for every used string without a Chinese translation in any catalog."""
    translated: set = set()
    for po in all_catalogs():
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=LOCALE)
        for message in catalog:
            if message.id and not message.fuzzy:
                strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
                if all(strings):
                    translated.add(message.id if not isinstance(message.id, (list, tuple)) else message.id[0])
    missing = []
    for messages in extract().values():
        for message, location, _comments, _context in messages:
            key = message[0] if isinstance(message, (list, tuple)) else message
            if key and key not in translated:
                missing.append((key, f"{location[0]}:{location[1]}"))
    return sorted(set(missing))


def fill(path: str) -> None:
    """Set msgstr for every msgid found in the JSON file, in every catalog."""
    import json

    with open(path, encoding="utf-8") as handle:
        translations = json.load(handle)
    for po in all_catalogs():
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=LOCALE)
        changed = 0
        for message in catalog:
            key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
            if key in translations:
                value = translations[key]
                if isinstance(message.id, (list, tuple)):
                    value = tuple(value) if isinstance(value, list) else (value,)
                    value = value[:1] if LOCALE.startswith("zh") else value  # Chinese has one plural form
                message.string = value
                message.flags.discard("fuzzy")
                changed += 1
        if changed:
            with open(po, "wb") as handle:
                write_po(handle, catalog, width=0, sort_output=True, include_lineno=False)
            print(f"{po.relative_to(ROOT)}: {changed} set")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "fill":
        fill(argv[2])
    elif command == "compile":
        compile_all()
    elif command == "check":
        missing = untranslated()
        for msgid, where in missing:
            print(f"{where}: {msgid!r}")
        print(f"{len(missing)} untranslated")
        return 1 if missing else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
