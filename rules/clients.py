"""Find the agency's clients named in a text, in any case form, and not as ordinary words.

Several clients are named with ordinary words («Калина», «Улыбка», «Полка») or surnames
(«Морозов», «Зайцев»). A name counts as the client when it is written as a name: capitalised
(«у Ромашки»), in quotes («ТМ «Калина»»), an abbreviation in capitals («ХД»), or a Latin alias; a
domain alias («polka.ru») counts in any case. «на полке», «до первых морозов» are ordinary words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rules.model import Client
from rules.morph import Morph
from rules.text import Token, normalize, tokenize

_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True, slots=True)
class Mention:
    """A client named in a text: which one, and the tokens that name it."""

    client: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class _Alias:
    client: str
    words: tuple[frozenset[str], ...]  # forms of the second and later words
    any_case: bool  # a domain or the like: counts whatever its case
    all_caps: bool  # an abbreviation: counts only in capitals


class ClientIndex:
    """Every client's names and aliases, indexed by the forms of their first word."""

    def __init__(self, clients: Iterable[Client], morph: Morph) -> None:
        self.clients = tuple(clients)
        self._first: dict[str, list[_Alias]] = {}
        self._derived: list[tuple[str, str]] = []  # («пчелкин», «Пчёлка»): «пчёлкины маркетологи»
        for client in self.clients:
            for alias in (client.name, *client.aliases):
                self._add(client.name, alias, morph)

    def _add(self, client: str, alias: str, morph: Morph) -> None:
        words = [t.norm for t in tokenize(normalize(alias))]
        if not words:
            return
        any_case = any(ch in alias for ch in ".0123456789")
        letters = [ch for ch in alias if ch.isalpha()]
        all_caps = len(letters) > 1 and all(ch.isupper() for ch in letters)
        forms = [morph.forms(word) for word in words]
        entry = _Alias(client, tuple(forms[1:]), any_case, all_caps)
        for form in forms[0]:
            self._first.setdefault(form, []).append(entry)
        if len(words) == 1 and not _LATIN.search(words[0]):
            self._derived.append((_possessive_stem(words[0]), client))

    def mentions(self, tokens: list[Token], original: str) -> list[Mention]:
        """Return the clients named in the tokens, written as names."""
        found: list[Mention] = []
        for token in tokens:
            for alias in self._first.get(token.norm, ()):
                last = _match_rest(tokens, token.index, alias.words)
                if last is not None and _written_as_name(token, original, alias):
                    found.append(Mention(alias.client, token.index, last))
                    break
        return found

    def derived(self, tokens: list[Token]) -> str | None:
        """Return a client named through a derived adjective («пчёлкины», «морозовские»)."""
        for token in tokens:
            for stem, client in self._derived:
                if token.norm.startswith(stem) and len(token.norm) <= len(stem) + 4:
                    return client
        return None


def _possessive_stem(word: str) -> str:
    if word[-1] in "ая":  # Пчёлка → пчёлкин-, Калина → калинин-
        return word[:-1] + "ин"
    return word + "ск"  # Морозов → морозовск-


def _match_rest(tokens: list[Token], index: int, words: tuple[frozenset[str], ...]) -> int | None:
    last = index
    for forms in words:
        last += 1
        if last >= len(tokens) or tokens[last].norm not in forms:
            return None
    return last


def _written_as_name(token: Token, original: str, alias: _Alias) -> bool:
    written = original[token.start : token.end]
    if alias.any_case:
        return True
    if alias.all_caps:
        return written.isupper()
    if written[:1].isupper():
        return True
    before = original[max(0, token.start - 1) : token.start]
    return before in ("«", '"', "“", "„")
