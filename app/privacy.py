"""Personal information in public text: Chinese resident ID numbers (with a
valid check digit), mainland mobile numbers and e-mail addresses.

They are masked wherever text is shown publicly (138****5678); the original
stays stored for the assigned department and moderators.
"""

from __future__ import annotations

import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

_id_number = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_mobile = re.compile(r"(?:(?<!\d)|(?<=86))(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_email = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def valid_id_number(candidate: str) -> bool:
    """True for 18 characters whose last one is the ISO 7064 check character of the first 17."""
    if len(candidate) != 18 or not candidate[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(candidate[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == candidate[17].upper()


def _mask_id(match: re.Match) -> str:
    value = match.group(1)
    if not valid_id_number(value):
        return value
    return value[:3] + "*" * 11 + value[-4:]


def _mask_mobile(match: re.Match) -> str:
    return f"{match.group(1)}****{match.group(3)}"


def _mask_email(match: re.Match) -> str:
    local, domain = match.group(1), match.group(2)
    return f"{local[0]}***@{domain}"


def find_personal_info(text: str) -> list[str]:
    """The kinds of personal information in ``text``: "id_number", "mobile", "email"."""
    kinds = []
    if any(valid_id_number(m.group(1)) for m in _id_number.finditer(text or "")):
        kinds.append("id_number")
    if _mobile.search(_id_number.sub("", text or "")):
        kinds.append("mobile")
    if _email.search(text or ""):
        kinds.append("email")
    return kinds


def mask_personal_info(text: str) -> str:
    """``text`` with ID numbers, mobile numbers and e-mail addresses masked."""
    if not text:
        return text
    masked = _id_number.sub(_mask_id, text)
    masked = _mask_mobile_outside_ids(masked)
    return _email.sub(_mask_email, masked)


def _mask_mobile_outside_ids(text: str) -> str:
    # Digits inside an 18-digit run (an invalid ID number, an order number) are not a phone number.
    pieces = []
    last = 0
    for match in _id_number.finditer(text):
        pieces.append(_mobile.sub(_mask_mobile, text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_mobile.sub(_mask_mobile, text[last:]))
    return "".join(pieces)


def mask_name(name: str) -> str:
    """A display name with all but its first character masked (张** / a***)."""
    if not name:
        return name
    return name[0] + "*" * min(max(len(name) - 1, 2), 4)
