"""Every message the core can show has both a Chinese and an English wording, with the same parameters."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string

import app
import models
from models.enums import LabelledEnum
from models.text import Text

CJK = re.compile(r"[\u4e00-\u9fff]")


def all_texts() -> list[tuple[str, Text]]:
    found: list[tuple[str, Text]] = []
    for package in (app, models):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in info.name or info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if isinstance(value, Text):
                    found.append((f"{info.name}.{name}", value))
                elif isinstance(value, dict):
                    found += [
                        (f"{info.name}.{name}[{k}]", v) for k, v in value.items() if isinstance(v, Text)
                    ]
    return found


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_there_are_messages_to_check():
    assert len(all_texts()) > 50


def test_every_message_has_chinese_and_english_with_the_same_parameters():
    for where, text in all_texts():
        assert CJK.search(text.zh), f"{where}: the zh_CN text has no Chinese"
        # English may quote a Chinese header or date format, but must be English words.
        assert re.search("[A-Za-z]{3,}", text.en) and text.en != text.zh, f"{where}: no English text"
        assert fields(text.zh) == fields(text.en), f"{where}: parameters differ between languages"


def test_every_enum_member_has_both_labels():
    members = [m for cls in LabelledEnum.__subclasses__() for m in cls]
    assert len(members) > 60
    for member in members:
        assert CJK.search(member.label.zh) and re.search("[A-Za-z]{2,}", member.label.en), member
