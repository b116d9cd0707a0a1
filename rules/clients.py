"""Find the agency's clients named in a text, in any case form, and not as ordinary words.

Several clients are named with ordinary words («Калина», «Улыбка», «Полка») or surnames
(«Морозов», «Зайцев»). A name counts as the client when it is written as a name: capitalised
(«у Ромашки»), in quotes («ТМ «Калина»»), an abbreviation in capitals («ХД»), or a Latin alias; a
domain alias («polka.ru»), a Latin alias and a name no dictionary knows («нордпэй») count in any
case. «на полке», «до первых морозов» are ordinary words.

A client named like a surname («Хренов», «Козлов») inflects like one: «у Хренова», «с Хреновыми»,
whatever the dictionary makes of the word (it reads «хренов» as an adjective and gives no other
form). Written so in the registry, in lower case («хренов»), it counts in lower case too: the
admin says that is how staff write it, and «хреновы довольны» names the client, not a quality.

Staff also name a client by a word made from its name, in lower case: «пчёлкины маркетологи»,
«громовские», «пломбирщики», «медвежата» (from «Медвежонок»). Such a word is the name's stem and
a suffix of belonging or of people («-ин», «-ск», «-щик», «-ец», «-ят»); with a capital it is more
often a place («Орловская область») and does not count.
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
    any_case: bool  # a domain, a Latin alias, a word no dictionary knows: counts in any case
    all_caps: bool  # an abbreviation: counts only in capitals


class ClientIndex:
    """Every client's names and aliases, indexed by the forms of their first word."""

    def __init__(self, clients: Iterable[Client], morph: Morph) -> None:
        self.clients = tuple(clients)
        self.informal = frozenset(c.name for c in self.clients if c.informal)
        self._first: dict[str, list[_Alias]] = {}
        # (stem, client): «пчелк» for «Пчёлка», so that «пчёлкины маркетологи» names it
        self._derived: list[tuple[str, str]] = []
        for client in self.clients:
            for alias in (client.name, *client.aliases):
                self._add(client.name, alias, morph)

    def _add(self, client: str, alias: str, morph: Morph) -> None:
        words = [t.norm for t in tokenize(normalize(alias))]
        if not words:
            return
        letters = [ch for ch in alias if ch.isalpha()]
        all_caps = len(letters) > 1 and all(ch.isupper() for ch in letters)
        any_case = not all_caps and (
            any(ch in alias for ch in ".0123456789")
            or (_LATIN.search(words[0]) is not None and len(words[0]) > _SHORT)
            or (_CYRILLIC_WORD.match(words[0]) is not None and not morph.is_known(words[0]))
        )
        forms = [morph.forms(word) for word in words]
        if _is_surname(words[0], morph):
            forms[0] = forms[0] | _surname_forms(words[0])
            # Lower case in the registry is how staff write it; for a surname no dictionary
            # word is lost by it (an ordinary word, «калина», still needs a capital).
            any_case = any_case or (not all_caps and alias[:1].islower())
        entry = _Alias(client, tuple(forms[1:]), any_case, all_caps)
        for form in forms[0]:
            self._first.setdefault(form, []).append(entry)
        if len(words) == 1 and _CYRILLIC_WORD.match(words[0]):
            self._derived.extend((stem, client) for stem in _stems(words[0]))

    def mentions(self, tokens: list[Token], original: str) -> list[Mention]:
        """Return the clients named in the tokens: written as names, or by a derived word."""
        if not self.clients:
            return []
        found = self._named(tokens, original)
        named = {m.first for m in found}
        found.extend(m for m in self.derived(tokens, original) if m.first not in named)
        return found

    def _named(self, tokens: list[Token], original: str) -> list[Mention]:
        found: list[Mention] = []
        for token in tokens:
            for alias in self._first.get(token.norm, ()):
                last = _match_rest(tokens, token.index, alias.words)
                if last is not None and _written_as_name(token, original, alias):
                    found.append(Mention(alias.client, token.index, last))
                    break
        return found

    def derived(self, tokens: list[Token], original: str) -> list[Mention]:
        """Return the clients named through a word made from their name, in lower case."""
        found = []
        for token in tokens:
            client = self._derived_client(token.norm)
            if client is not None and not original[token.start : token.start + 1].isupper():
                found.append(Mention(client, token.index, token.index))
        return found

    def _derived_client(self, word: str) -> str | None:
        for stem, client in self._derived:
            if word.startswith(stem) and len(word) > len(stem):
                rest = word[len(stem) :]
                if rest.startswith(_BELONGING) and len(rest) <= _LONGEST_DERIVED_ENDING:
                    return client
        return None


# Suffixes of belonging and of people after a name's stem: «пчёлкин-ы», «громов-ск-ие»,
# «пломбир-щик-и», «орлов-ц-ы», «медвеж-ат-а»; and the case endings after them.
_BELONGING = ("ин", "ын", "ск", "овск", "евск", "щик", "чик", "овц", "евц", "ец", "цы", "ат", "ят")
_LONGEST_DERIVED_ENDING = 8
_SHORT = 3  # Latin aliases this short («ТД», «ФЛ») are abbreviations, not names in any case
_CYRILLIC_WORD = re.compile(r"[а-я]+\Z")
# «Хренов», «Хренова», «Свиньин»: a stem of four letters or more, the possessive suffix, and a
# feminine «-а» perhaps.
_SURNAME_SHAPE = re.compile(r"[а-я]{2,}[а-я](?:ов|ев|ин|ын)а?\Z")
_NAME_LIKE = frozenset({"Surn", "Poss"})  # «свиньин» is a surname and a possessive adjective
_SURNAME_ENDINGS = ("", "а", "у", "ым", "е", "ой", "ы", "ых", "ыми")
_DIMINUTIVE_YOUNG = ("онок", "енок")  # Медвежонок → медвеж-ат-а


def _is_surname(word: str, morph: Morph) -> bool:
    """Tell whether a word is shaped like a surname and is no ordinary word's normal form
    («Калина» is a berry; «хренов», «ослов» are forms of other words, or names)."""
    if not _SURNAME_SHAPE.match(word):
        return False
    return not any(lemma == word and not _NAME_LIKE & tags for lemma, tags, _ in morph.parse(word))


def _surname_forms(word: str) -> frozenset[str]:
    """Return the case forms of a Russian surname in «-ов», «-ев», «-ин», «-ын», either gender."""
    stem = word[:-1] if word.endswith("а") else word
    return frozenset(stem + ending for ending in _SURNAME_ENDINGS)


def _stems(word: str) -> tuple[str, ...]:
    """Return the stems words made from a one-word name start with."""
    if word.endswith(_DIMINUTIVE_YOUNG):
        return (word[:-4],)
    if word[-1] in "аяоеьй":  # Пчёлка → пчёлк-, Калина → калин-
        return (word[:-1],)
    return (word,)  # Морозов → морозов-


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
