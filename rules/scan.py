"""One message being checked: its tokens, with context worked out only when a rule asks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from rules.clients import ClientIndex, Mention
from rules.model import ChatKind, CheckContext, Rule
from rules.text import (
    Normalized,
    Token,
    disguised_words,
    is_sentence_start,
    joined_words,
    normalize,
    skeleton,
    tokenize,
)
from rules.vocabulary import Vocabulary

if TYPE_CHECKING:
    from rules.morph import Morph

# (rule, start, end in the original text, a better wording for this very match or None)
Hit = tuple[Rule, int, int, str | None]
_REPEATS = re.compile(r"(.)\1")
# The message itself says that «ты» was agreed on, or asked for: «как договорились — на «ты»»,
# «вы сами просили «пиши мне на ты»». A proposal («давай на ты?») is the writer's own «ты».
_ON_TY = re.compile(
    r"(?<!не )\b(?:договорил|договаривал|просил|попросил)\w*\W+(?:\w+\W+){0,5}на\s*[«\"“']?\s*ты\b"
)


_T = TypeVar("_T")


class lazy(Generic[_T]):
    """A property computed on first use and then kept in the instance.

    functools.cached_property does the same, but on Python 3.11 it takes a lock on every first
    use, which cost a few microseconds per message in the checker's hot path.
    """

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, instance: None, owner: type) -> lazy[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> _T: ...
    def __get__(self, instance: object | None, owner: type) -> lazy[_T] | _T:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value  # later reads find it before this descriptor
        return value


class Scan:
    """A normalised, tokenised message and the context facts rules may need."""

    def __init__(
        self,
        text: str,
        context: CheckContext,
        clients: ClientIndex,
        vocabulary: Vocabulary,
        morph: Morph,
    ) -> None:
        self.normalized: Normalized = normalize(text)
        self.original = text
        self.context = context
        self.clients = clients
        self.vocabulary = vocabulary
        self.morph = morph
        self.tokens: list[Token] = tokenize(self.normalized)

    def sentence_start(self, token: Token) -> bool:
        """Tell whether a token opens a sentence."""
        return is_sentence_start(self.normalized.text, token.nstart)

    @lazy
    def skeletons(self) -> list[str]:
        """Each token with repeated letters collapsed, for root patterns."""
        return [skeleton(t.norm) if _REPEATS.search(t.norm) else t.norm for t in self.tokens]

    @lazy
    def joined(self) -> list[Token]:
        """Letters written apart, joined into candidate words (skeletons)."""
        if not _may_be_written_apart(self.tokens):
            return []
        words = joined_words(self.normalized)
        for word in words:
            word.norm = skeleton(word.norm)
        return words

    @lazy
    def candidates(self) -> list[Token]:
        """Candidate words for roots: letters joined, and words drawn with signs, by start."""
        drawn = disguised_words(self.normalized)
        for word in drawn:
            word.norm = skeleton(word.norm)
        if not drawn:
            return self.joined
        return sorted([*self.joined, *drawn], key=lambda t: t.start)

    @lazy
    def words(self) -> frozenset[str]:
        """The set of normalised words outside quotes."""
        return frozenset(t.norm for t in self.tokens if not t.quoted)

    @lazy
    def mentions(self) -> list[Mention]:
        """Clients of the registry named in the message."""
        return self.clients.mentions(self.tokens, self.original)

    @lazy
    def name_spans(self) -> tuple[list[int], list[int]]:
        """Where clients are named in the original text: the starts, and the end of each (by
        start, overlaps merged), for a look-up by bisection."""
        tokens = self.tokens
        spans = sorted((tokens[m.first].start, tokens[m.last].end) for m in self.mentions)
        starts: list[int] = []
        ends: list[int] = []
        for start, end in spans:
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        return starts, ends

    @lazy
    def other_clients(self) -> list[Mention]:
        """Clients named in a client chat that are not that chat's client.

        None when the chat's client is unknown (a Business chat with an unlisted counterpart):
        whose secret a name would be cannot be told, so only internal affairs are judged there.
        """
        own = self.context.client
        if own is None:
            return []
        return [m for m in self.mentions if m.client != own]

    @lazy
    def about_client(self) -> bool:
        """Tell whether the message speaks of a client (always so in a client's chat)."""
        if self.context.chat is ChatKind.CLIENT:
            return True
        return bool(self.mentions or self.words & self.vocabulary.client_nouns)

    @lazy
    def self_reference(self) -> bool:
        """Tell whether the agency speaks of itself («у нас», «наш», «our»)."""
        return bool(self.words & self.vocabulary.self_reference)

    @lazy
    def mitigated(self) -> bool:
        """Tell whether the message says the client asked for what it does, or the writer
        takes the blame: «вы просили краткий ликбез», «я неудачно сформулировал», «our fault»."""
        pattern = self.vocabulary.mitigators
        return pattern is not None and pattern.search(self.normalized.text) is not None

    @lazy
    def informal_agreed(self) -> bool:
        """Tell whether «ты» is addressed by agreement: the chat's client asked for it
        (`informal` in the registry), or the message says so («как договаривались, на «ты»»)."""
        if self.context.client in self.clients.informal:
            return True
        return _ON_TY.search(self.normalized.text) is not None

    @lazy
    def addressed(self) -> bool:
        """Tell whether «ты» or «твой» is written outright."""
        return bool(self.words & self.vocabulary.second_person_pronouns)


def _may_be_written_apart(tokens: list[Token]) -> bool:
    """Tell whether a lone letter stands beside another short piece («х у й», «ху ё вая»).

    Letters written apart always leave such a pair among the tokens; most messages have none, and
    skip the scan for fragments. Russian's words of one letter («в», «с», «и», «я») count only
    beside another lone letter («с у к а»), for nearly every message has one.
    """
    previous = 99  # the length of the previous token
    pending = False  # a lone letter that is no word waits for a short neighbour
    for token in tokens:
        size = len(token.norm)
        if size == 1 and (previous == 1 or (token.norm not in _ONE_LETTER_WORDS and previous <= 3)):
            return True
        if pending and size <= 3:
            return True
        pending = size == 1 and token.norm not in _ONE_LETTER_WORDS
        previous = size
    return False


_ONE_LETTER_WORDS = frozenset("вскуоиаяжбi")
