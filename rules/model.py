"""Value types of the checker: clauses, rules, findings and the context of one check."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Label(StrEnum):
    """A clause group of the code that a detector covers (see corpus FORMAT.md)."""

    RUDENESS = "rudeness"
    FAMILIARITY = "familiarity"
    CONDESCENSION = "condescension"
    CONFIDENTIALITY = "confidentiality"


class ChatKind(StrEnum):
    """Who can read the chat: a client is in it, or only staff."""

    CLIENT = "client"
    INTERNAL = "internal"


class RuleKind(StrEnum):
    """How a rule's patterns are matched; each kind has one matcher in `matchers.py`."""

    LEMMA = "lemma"  # any inflected form of the listed lemmas
    PHRASE = "phrase"  # a sequence of lemma slots, with small gaps allowed
    ROOT = "root"  # a regex over the de-obfuscated word, with exceptions
    GRAMMAR = "grammar"  # morphological tags (second person singular)
    CAPS = "caps"  # shouting in capitals
    MENTION = "mention"  # another client of the registry named with a commercial detail
    TOGETHER = "together"  # two phrases in one message: «the other bank we work with» & «switching»
    SUFFIX = "suffix"  # a word ending in one of the patterns («Юлечка», «Танюша»)
    LEARNED = "learned"  # the wording of the learned layer's findings (no patterns)


class Severity(StrEnum):
    """How serious a finding is; the policy may escalate on it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Condition(StrEnum):
    """An extra test on the whole message that a rule's hit must pass."""

    ABOUT_CLIENT = "about_client"  # in internal chats: the message speaks of a client
    SELF_REFERENCE = "self_reference"  # the agency speaks of itself (мы, у нас, our)
    VOCATIVE = "vocative"  # the word is set off as an address («зай, …»)
    ADDRESS = "address"  # vocative, or in English opening a clause said to "you": «hun you're…»
    NOT_NAME = "not_name"  # the word is not a proper name («Баранов», «Хренов», «Ебралидзе»)
    OF_PERSON = "of_person"  # said of a person («эти бараны»), not of an animal or a thing
    UNMITIGATED = "unmitigated"  # the client did not ask for it, the writer takes no blame
    NOT_SELF = "not_self"  # not said by the writer of themselves («я полный дилетант»)
    CAPITALISED = "capitalised"  # written with a capital letter, as a name is («Юлечка»)
    # right after a capitalised name or an opening greeting: «Priya love,», «hiya love»
    AFTER_NAME_OR_GREETING = "after_name_or_greeting"
    PET_NAME = "pet_name"  # a first name to the dictionary, or a word it does not know
    FORMAL_CLIENT = "formal_client"  # the chat's client has not asked to be addressed «на ты»
    # the agency's affairs, not the client's told back to it: not «your restructuring»
    AGENCY_S_OWN = "agency_s_own"


@dataclass(frozen=True, slots=True)
class Clause:
    """One bullet of the agency's code of conduct."""

    id: str
    number: int
    title: str
    text: str
    labels: tuple[Label, ...] = ()
    title_en: str = ""  # the title in English replies; the agency's text has no translation

    def title_in(self, language: str) -> str:
        """The clause's title in a reply's language: English when there is one, else Russian."""
        return self.title_en if language == "en" and self.title_en else self.title


@dataclass(frozen=True, slots=True)
class Examples:
    """Texts a rule must match, must not match, and should match one day."""

    match: tuple[str, ...] = ()
    ok: tuple[str, ...] = ()
    todo_match: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One detector rule, loaded from a data file under `rules/data/` or an agency's folder."""

    id: str
    label: Label
    kind: RuleKind
    patterns: tuple[str, ...]
    severity: Severity = Severity.MEDIUM
    suggest: tuple[str, ...] = ()
    note: str = ""
    source: str = ""
    exceptions: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    rewrite: tuple[tuple[str, str], ...] = ()
    chat_kinds: frozenset[ChatKind] = frozenset(ChatKind)
    conditions: frozenset[Condition] = frozenset()
    max_gap: int = 0
    # Lemmas whose presence in the message gives a word its innocent sense: «щенок» for «сука».
    unless_near: tuple[str, ...] = ()
    examples: Examples = field(default_factory=Examples)
    # The id of the clause its findings cite, when not the one its label's findings cite: an
    # agency's own clause («п. 12») is cited by the agency's own rules this way.
    clause: str | None = None
    # Where the rule is written («rules.d/own.toml:7»), for error messages and `kodeks rules test`.
    origin: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Extension:
    """Words or phrases an agency adds to a shipped rule, with examples of its own."""

    rule_id: str
    patterns: tuple[str, ...]
    examples: Examples
    origin: str  # where the `[[extend]]` entry is written: «rules.d/own.toml:12»


@dataclass(frozen=True, slots=True)
class Client:
    """A client of the agency, as the registry in `agency.toml` names it."""

    name: str
    aliases: tuple[str, ...] = ()
    informal: bool = False  # the client asked to be addressed «на ты»


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Where a text is written: the chat's kind and, in a client chat, whose it is."""

    chat: ChatKind = ChatKind.CLIENT
    client: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One breach of the code found in a text, with its exact place in the original."""

    clause: int
    rule_id: str
    label: Label
    severity: Severity
    start: int
    end: int
    excerpt: str
    suggestion: str | None = None
    note: str = ""
    confidence: float = 1.0  # the learned layer's probability; rules are sure
    tentative: bool = False  # likely, not sure enough to nudge: `/check` says «возможно»
