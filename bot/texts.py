"""The bot's words, from `bot/data/texts.<lang>.toml`, loaded once and checked at start-up."""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

LANGUAGES = ("ru", "en")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")


class TextsError(Exception):
    """A texts file is broken: a key is missing in one language or a template is malformed."""


@dataclass(frozen=True, slots=True)
class Texts:
    """Templates by language and key."""

    templates: dict[str, dict[str, str]]

    def render(self, language: str, key: str, **params: Any) -> str:
        """Fill a template; the language falls back to Russian."""
        table = self.templates.get(language) or self.templates["ru"]
        return table[key].strip("\n").format(**params)


def load_texts() -> Texts:
    """Load every language and check that they have the same keys and fields."""
    templates: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        path = resources.files("bot") / "data" / f"texts.{language}.toml"
        templates[language] = {k: str(v) for k, v in tomllib.loads(path.read_text("utf-8")).items()}
    reference = templates["ru"]
    for language, table in templates.items():
        if set(table) != set(reference):
            missing = sorted(set(reference) ^ set(table))
            msg = f"texts.{language}.toml: keys differ from texts.ru.toml: {missing}"
            raise TextsError(msg)
        for key, template in table.items():
            if _fields(template) != _fields(reference[key]):
                msg = f"texts.{language}.toml: '{key}' must use the fields of texts.ru.toml"
                raise TextsError(msg)
    return Texts(templates)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_of(text: str) -> str:
    """Guess the language to answer in: Russian unless the text is mostly Latin letters."""
    return "en" if len(_LATIN.findall(text)) > 2 * len(_CYRILLIC.findall(text)) else "ru"
