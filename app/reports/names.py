"""How a report names a person: by default the surname and the record number only (去标识化)."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def masked(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; a name in Latin letters → its initials (Zhang San → Z.S.)."""
    name = name.strip()
    if not name:
        return ""
    if _CJK.match(name):
        return name[0] + "*" * max(len(name) - 1, 1)
    words = [w for w in re.split(r"[\s·.\-]+", name) if w]
    return "".join(w[0].upper() + "." for w in words)


def shown(name: str, full_names: bool) -> str:
    return name.strip() if full_names else masked(name)
