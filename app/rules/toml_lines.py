"""Where each key of a TOML document is written: key path → line number.

tomllib gives values without positions, and a policy error must name its line, so this scans the text
once more. It runs only on text tomllib has already accepted, so it can be lenient: it follows tables,
dotted keys, inline tables and arrays (an element's path ends in its index) and skips strings and comments.
"""

from __future__ import annotations

KeyPath = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.array_tables: dict[KeyPath, int] = {}

    def _peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def _advance(self, n: int = 1) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + n)
        self.pos += n

    def _skip(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in " \t\r" or (newlines and c == "\n"):
                self._advance()
            elif c == "#":
                end = self.text.find("\n", self.pos)
                self._advance((end if end >= 0 else len(self.text)) - self.pos)
            else:
                return

    def _note(self, path: KeyPath) -> None:
        self.lines.setdefault(path, self.line)

    def _string(self) -> str:
        quote = self._peek()
        if self._peek(3) == quote * 3:
            end = self.text.find(quote * 3, self.pos + 3)
            end = len(self.text) if end < 0 else end + 3
            while self.text[end : end + 1] == quote:  # up to two quotes may close a multi-line string
                end += 1
            start = self.pos
            self._advance(end - self.pos)
            return self.text[start + 3 : end - 3]
        i = self.pos + 1
        while i < len(self.text) and self.text[i] != quote and self.text[i] != "\n":
            i += 2 if quote == '"' and self.text[i] == "\\" else 1
        value = self.text[self.pos + 1 : i]
        self._advance(i + 1 - self.pos)
        return value

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            if self._peek() in ('"', "'"):
                parts.append(self._string())
            else:
                start = self.pos
                while self.pos < len(self.text) and self.text[self.pos] in _BARE:
                    self.pos += 1
                parts.append(self.text[start : self.pos])
            self._skip(newlines=False)
            if self._peek() != ".":
                return parts
            self._advance()

    def _value(self, path: KeyPath) -> None:
        c = self._peek()
        if c in ('"', "'"):
            self._string()
        elif c == "[":
            self._advance()
            index = 0
            while True:
                self._skip(newlines=True)
                if self._peek() in ("]", ""):
                    self._advance()
                    return
                self._note((*path, index))
                self._value((*path, index))
                index += 1
                self._skip(newlines=True)
                if self._peek() == ",":
                    self._advance()
        elif c == "{":
            self._advance()
            while True:
                self._skip(newlines=True)
                if self._peek() in ("}", ""):
                    self._advance()
                    return
                key = (*path, *self._key())
                self._note(key)
                self._skip(newlines=False)
                self._advance()  # "="
                self._skip(newlines=False)
                self._value(key)
                self._skip(newlines=True)
                if self._peek() == ",":
                    self._advance()
        else:
            while self.pos < len(self.text) and self.text[self.pos] not in ",]}\n#":
                self.pos += 1

    def scan(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            if self._peek() == "[":
                is_array = self._peek(2) == "[["
                self._advance(2 if is_array else 1)
                name: KeyPath = tuple(self._key())
                if is_array:
                    index = self.array_tables.get(name, -1) + 1
                    self.array_tables[name] = index
                    name = (*name, index)
                self._advance(2 if is_array else 1)
                table = name
                self._note(table)
            else:
                key = (*table, *self._key())
                self._note(key)
                self._skip(newlines=False)
                self._advance()  # "="
                self._skip(newlines=False)
                self._value(key)


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path (and array element path) in `text` to the 1-based line where it is written."""
    return _Scanner(text).scan()


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of `path`, or of its nearest written parent (a key inside a table written elsewhere)."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None
