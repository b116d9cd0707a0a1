"""The bot's words, from `bot/data/texts.<lang>.toml`, loaded once and checked at start-up.

A number's word agrees with it by the language's plural rules (CLDR's, from Babel): a template
writes `{days} {days:plural:days}` and the file's `[plural.days]` table gives the forms
(`one`, `few`, `many`, `other` in Russian; `one`, `other` in English), so «1 день», «3 дня»,
«5 дней» and «21 день» come out right without a sentence built in Python.
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from babel import Locale
from babel.plural import PluralRule

LANGUAGES = ("ru", "en")
PLURAL = "plural:"
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")


class TextsError(Exception):
    """A texts file is broken: a key is missing in one language or a template is malformed."""


class _Formatter(string.Formatter):
    """`str.format`, plus `{n:plural:KEY}`: the form of `[plural.KEY]` that agrees with n."""

    def __init__(self, language: str, forms: Mapping[str, Mapping[str, str]]) -> None:
        super().__init__()
        self.language = language
        self.forms = forms

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith(PLURAL):
            return self.forms[format_spec.removeprefix(PLURAL)][
                plural_category(self.language, value)
            ]
        return str(super().format_field(value, format_spec))


@functools.cache
def _plural_rule(language: str) -> PluralRule:
    return Locale.parse(language).plural_form


def plural_category(language: str, number: float) -> str:
    """The CLDR plural category of a number: `one`, `few`, `many` or `other`.

    The bot's one plural helper: every number it prints beside a word goes through it (by way of
    `{n:plural:KEY}` in a template), so «1 замечание», «3 замечания», «5 замечаний», «21
    замечание» and «11 замечаний» come from the one rule.
    """
    return str(_plural_rule(language)(number))


@dataclass(frozen=True, slots=True)
class Texts:
    """Templates by language and key, and each language's plural forms."""

    templates: dict[str, dict[str, str]]
    plurals: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def render(self, language: str, key: str, **params: Any) -> str:
        """Fill a template; the language falls back to Russian."""
        if language not in self.templates:
            language = "ru"
        formatter = _Formatter(language, self.plurals.get(language, {}))
        return formatter.format(self.templates[language][key].strip("\n"), **params)

    def render_marked(
        self,
        language: str,
        key: str,
        escape: Callable[[str], str],
        marked: Mapping[str, str],
        **params: Any,
    ) -> str:
        """Fill a template for a platform's markup: all of it escaped but the `marked` fields,
        which are markup already (mentions). They go in after escaping, through slots no text
        holds (a NUL never reaches us from a chat)."""
        slots = {name: f"\x00{i}\x00" for i, name in enumerate(marked)}
        text = escape(self.render(language, key, **params, **slots))
        for name, slot in slots.items():
            text = text.replace(slot, marked[name])
        return text


def load_texts() -> Texts:
    """Load every language and check that they have the same keys, fields and plural forms."""
    templates: dict[str, dict[str, str]] = {}
    plurals: dict[str, dict[str, dict[str, str]]] = {}
    for language in LANGUAGES:
        path = resources.files("bot") / "data" / f"texts.{language}.toml"
        data = tomllib.loads(path.read_text("utf-8"))
        plurals[language] = {k: dict(v) for k, v in data.pop("plural", {}).items()}
        templates[language] = {k: str(v) for k, v in data.items()}
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
            _check_plurals(language, key, template, plurals[language])
    return Texts(templates, plurals)


def _check_plurals(
    language: str, key: str, template: str, forms: Mapping[str, Mapping[str, str]]
) -> None:
    """Every `{n:plural:KEY}` names a `[plural.KEY]` with every form the language needs."""
    needed = _plural_rule(language).tags | {"other"}
    for _, name, spec, _ in string.Formatter().parse(template):
        if not name or not spec or not spec.startswith(PLURAL):
            continue
        word = spec.removeprefix(PLURAL)
        missing = needed - set(forms.get(word, {}))
        if missing:
            msg = f"texts.{language}.toml: '{key}' needs [plural.{word}] with {sorted(missing)}"
            raise TextsError(msg)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_of(text: str) -> str:
    """Guess the language to answer in: Russian unless the text is mostly Latin letters."""
    return "en" if len(_LATIN.findall(text)) > 2 * len(_CYRILLIC.findall(text)) else "ru"
