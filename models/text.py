"""Bilingual text: every message the core shows a person carries its zh_CN and en wording.

The core knows nothing of Qt, so it cannot use Qt Linguist; instead each message is a small value that
the CLI and the GUI render in the user's language.  zh_CN comes first because it is the product's
primary language; a test checks that no message lacks either side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("zh_CN", "en")


def current_language() -> str:
    """The language for messages: REHABDESK_LANG, else the locale, else Chinese."""
    for name in ("REHABDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value.startswith("en"):
            return "en"
        if value.startswith("zh"):
            return "zh_CN"
    return "zh_CN"


@dataclass(frozen=True)
class Text:
    """A message template in both languages, formatted with ``str.format`` parameters."""

    zh: str
    en: str

    def __call__(self, **params: Any) -> Message:
        return Message(self, params)

    def render(self, lang: str | None = None, **params: Any) -> str:
        return Message(self, params).render(lang)


@dataclass(frozen=True)
class Message:
    """A Text bound to its parameters; rendered late so the reader's language decides."""

    text: Text
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        template = self.text.en if lang == "en" else self.text.zh
        params = {k: (v.render(lang) if isinstance(v, Message) else v) for k, v in self.params.items()}
        return template.format(**params)

    def __str__(self) -> str:
        return self.render()
