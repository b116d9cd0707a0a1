"""Matchers that read grammar and shape rather than words: «ты»-forms, address, capitals.

Second person singular is found by pymorphy's tags, not by lists: «скинешь», «подскажи»,
«освободишься». Only words whose ending could carry such a form are analysed. A form that is
also something else counts only when its «ты» reading is the likelier one, or when it is a fair
reading (`AMBIGUOUS_MIN_SHARE`) and the context settles it: «мне» or «пожалуйста» follows
(«пришли мне файл», never «документы пришли»), «ты» is written in the message, or «не» comes
before a word whose other readings are not verbs («не кипишуй»). A form opening a sentence
decides nothing: «Пришли правки» is as often «(мы) пришли» as «пришли!».

A verb speaks of anyone, not of the client, in a generic clause («сук, на котором сидишь»)
when no «ты» is written, and an imperative after «ни» is concessive («как ни крути»). A rule's
`exceptions` are regexes over the normalised text for set phrases whose imperative addresses
nobody («не дай бог», «будь то»); a hit inside a match of one is dropped.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from dataclasses import dataclass, field

from rules.loader import alternation
from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.text import LATIN_WORD, Token, is_sentence_start, next_char, prev_char
from rules.vocabulary import Vocabulary

# Endings a «ты»-form can have («скинешь», «подскажи», «открой», «брось», «займись»), and the
# ones among them only other words have (adjectives, reflexive infinitives): no analysis needed.
_SECOND_PERSON_ENDINGS = ("шь", "шься", "и", "й", "ь", "йся", "ься", "ись")
_NEVER_SECOND_PERSON = ("ый", "ий", "ться")
_CYRILLIC_WORD = re.compile(r"[а-я]+\Z")
_PLURAL = frozenset({"plur"})
# Readings that say nothing against «ты»: «слушай» (INTJ), «понимаешь» (parenthetical).
_DISCOURSE = frozenset({"INTJ", "Prnt"})
# Rival readings that «не» goes with as readily as with a verb.
_AGREEING = frozenset({"VERB", "INFN", "ADJF", "ADJS", "PRTF", "PRTS", "PRED", "Apro"})
_PRONOUN_ADJECTIVE = "Apro"
_FORM_CACHE_SIZE = 100_000
_CLAUSE_BREAK = re.compile(r"[.!?…()\n;:]")
_IMPERATIVE = "impr"
# «как не крути» is the common misspelling of concessive «как ни крути».
_CONCESSIVE_OPENERS = frozenset({"как", "куда", "где", "сколько", "что", "кто", "когда", "чем"})
_NEGATION = "не"
# Subjects after an imperative that make it a condition, not an address.
_CONDITIONAL_SUBJECTS = frozenset({"вы", "он", "она", "они", "мы", "я", "бы"})
_CLAUSE_END = re.compile(r"[.!?…\n]")
_CONCESSIVE = "ни"
# A form whose «ты» reading has less than this share of pymorphy's score is never a «ты»-form,
# whatever follows: «пожалуй» (пожаловать), «при» (переть), «день» (деть).
AMBIGUOUS_MIN_SHARE = 0.2
# Rival readings (discourse words aside) with at least this share need the context to settle
# the form: «пришли» (прийти), «мой» (мой), «жаль» (жаль), «нибудь» (нибудь).
RIVAL_MIN_SHARE = 0.3
_AFTER_ADDRESS = frozenset(",!?.…)—–-:")
_DASHES = frozenset("—–-")
_BEFORE_ADDRESS = frozenset(",(")
_DETERMINERS = frozenset(
    {"a", "an", "the", "this", "that", "these", "those", "your", "his", "her", "their", "our"}
    | {"its", "is", "are", "was", "were", "be", "looks", "look", "so", "very", "really", "too"}
    | {"pretty"}
)
_POSSESSIVES = frozenset({"мой", "моя", "мое", "мои", "my"})
# English "you" opening a clause said to the client: an address word right before it is one
# («hun you're overthinking it», «haha mate you're killing me»). Plain "you" counts only before a
# verb of the clause, so that «Honey you bought…» stays a relative clause about honey.
_YOU_ALONE = frozenset({"youre", "u"})
_YOU_THEN = frozenset(
    {"re", "ve", "ll", "d", "are", "can", "could", "should", "need", "have", "know", "want"}
    | {"look", "sound", "mean", "think", "don", "didn", "got", "always", "just", "never"}
)
_EMOJI = "So"  # an emoji after an address closes it as a comma would: «спасибо, зай 😘»

# Shouting: at least this many words in capitals, this many capital letters in them, this share
# of all letters outside quotes, and one capitalised word of `CAPS_LONG_WORD` letters or more.
# Acronyms (SMM, ROMI, ТЗ, CEO, KPI) are short, so a list of them stays below the last test;
# a slogan quoted in capitals («СКИДКИ ДО 50%») is not shouting.
CAPS_MIN_WORDS = 2
CAPS_MIN_LETTERS = 12
CAPS_MIN_SHARE = 0.6
CAPS_LONG_WORD = 5
_UPPER_RUN = re.compile(r"[A-ZА-ЯЁ]{3}")  # no three capitals in a row: nobody shouts


@dataclass(frozen=True, slots=True)
class GrammarRule:
    """A grammar rule with its patterns parsed into sets of grammemes."""

    rule: Rule
    tag_sets: tuple[frozenset[str], ...]
    exceptions: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class _Form:
    """What the readings of one word say about it as a «ты»-form of one rule."""

    tags: frozenset[str]  # grammemes of the «ты» reading
    plural: str | None  # the same form in the plural, as the suggestion
    contested: bool  # rival readings are strong enough that the context must settle it
    cue_settles: bool  # «мне», «пожалуйста» after it may settle it (no pronoun rival)
    negation_settles: bool  # «не» before it may settle it (rivals are nouns or adverbs)


@dataclass(slots=True)
class CompiledGrammar:
    """Grammar rules, with what each word's readings say cached by word."""

    rules: tuple[GrammarRule, ...]
    morph: Morph
    forms: dict[str, tuple[_Form | None, ...]] = field(default_factory=dict)

    def form(self, word: str) -> tuple[_Form | None, ...]:
        """Return, per rule, the «ты» reading of `word` (None where it has none)."""
        found = self.forms.get(word)
        if found is None:
            if len(self.forms) >= _FORM_CACHE_SIZE:
                self.forms.clear()
            readings = self.morph.parse(word)
            found = tuple(_form(self.morph, word, readings, g.tag_sets) for g in self.rules)
            self.forms[word] = found
        return found


def compile_grammar(rules: list[Rule], morph: Morph, vocabulary: Vocabulary) -> CompiledGrammar:
    """Parse patterns like "VERB impr sing" into sets of grammemes; compile the exceptions."""
    del vocabulary
    return CompiledGrammar(
        tuple(
            GrammarRule(
                rule,
                tuple(frozenset(p.split()) for p in rule.patterns),
                alternation(rule.exceptions),
            )
            for rule in rules
        ),
        morph,
    )


def match_grammar(scan: Scan, compiled: CompiledGrammar) -> list[Hit]:
    """Find verbs in the second person singular and singular imperatives."""
    hits: list[Hit] = []
    excepted: dict[int, list[tuple[int, int]]] = {}  # per rule, found once per message
    for token in scan.tokens:
        word = token.norm
        if token.quoted or not word.endswith(_SECOND_PERSON_ENDINGS):
            continue
        if word.endswith(_NEVER_SECOND_PERSON) or not _CYRILLIC_WORD.match(word):
            continue
        if _after_hyphen(scan, token):
            continue
        for n, (grammar, form) in enumerate(zip(compiled.rules, compiled.form(word), strict=True)):
            if form is not None and _counts(scan, token, form):
                if n not in excepted:
                    excepted[n] = _exception_spans(scan, grammar.exceptions)
                if not _inside(excepted[n], token.nstart):
                    hits.append((grammar.rule, token.start, token.end, form.plural))
                break
    return hits


def _after_hyphen(scan: Scan, token: Token) -> bool:
    """Tell whether the token ends a hyphenated word («кто-нибудь»), never a verb of its own."""
    text = scan.normalized.text
    i = token.nstart
    return i >= 2 and text[i - 1] == "-" and text[i - 2].isalpha()


def _exception_spans(scan: Scan, exceptions: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Find the set phrases listed as a rule's exceptions, once per message."""
    if exceptions is None:
        return []
    return [m.span() for m in exceptions.finditer(scan.normalized.text)]


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Tell whether a position lies inside one of the sorted, disjoint spans."""
    i = bisect.bisect_right(spans, (position, sys.maxsize)) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]


def _form(
    morph: Morph,
    word: str,
    readings: tuple[tuple[str, frozenset[str], float], ...],
    tag_sets: tuple[frozenset[str], ...],
) -> _Form | None:
    """Weigh the readings of a word: is it a «ты»-form, and how contested is that reading."""
    fitting = [r for r in readings if any(tags <= r[1] for tags in tag_sets)]
    if not fitting:
        return None
    total = sum(score for _, _, score in readings) or 1.0
    if sum(score for _, _, score in fitting) < AMBIGUOUS_MIN_SHARE * total:
        return None
    rivals = [r for r in readings if r not in fitting and not _DISCOURSE & r[1]]
    pronoun = any(_PRONOUN_ADJECTIVE in tags for _, tags, _ in rivals)
    tags = fitting[0][1]
    return _Form(
        tags=tags,
        plural=morph.plural(word, tags),
        contested=sum(score for _, _, score in rivals) >= RIVAL_MIN_SHARE * total,
        cue_settles=not pronoun,
        negation_settles=not pronoun and not any(_AGREEING & tags for _, tags, _ in rivals),
    )


def _counts(scan: Scan, token: Token, form: _Form) -> bool:
    """Tell whether a «ты»-form found in the dictionary addresses someone here.

    A word the dictionary does not know is only pymorphy's guess («Нуари», «Гелби» read as
    imperatives): written with a capital it is a name, and in lower case only the context can
    make it a «ты»-form («чекни плиз»).
    """
    guessed = not scan.morph.is_known(token.norm)
    if guessed and scan.original[token.start : token.end][:1].isupper():
        return False
    if (form.contested or guessed) and not _settled_by_context(scan, token, form):
        return False
    if _conditional(scan, token, form.tags) or _generic_negation(scan, token, form.tags):
        return False
    return not _generic_clause(scan, token, form.tags)


def _conditional(scan: Scan, token: Token, tags: frozenset[str]) -> bool:
    """Tell whether an imperative opens a condition: «прочитай вы презентацию», «будь вы»."""
    if _IMPERATIVE not in tags or token.index + 1 >= len(scan.tokens):
        return False
    return scan.tokens[token.index + 1].norm in _CONDITIONAL_SUBJECTS


def _generic_negation(scan: Scan, token: Token, tags: frozenset[str]) -> bool:
    """Tell whether a negated «ты»-verb speaks of anyone: «спасибо не дождёшься».

    Only in a statement with no «ты» written: «не пришлёшь?» asks the reader.
    """
    if "indc" not in tags or scan.addressed or token.index == 0:
        return False
    if scan.tokens[token.index - 1].norm != _NEGATION:
        return False
    end = _CLAUSE_END.search(scan.normalized.text, token.nend)
    return end is None or end.group() != "?"


def _settled_by_context(scan: Scan, token: Token, form: _Form) -> bool:
    """Tell whether the words around a contested form make it the «ты»-form.

    «Мне», «пожалуйста» right after, in the same clause, settle a rival verb or noun («пришли
    мне файл», not «люди пришли! мне скучно»), never a pronoun («ты мой, мне …»). «Не» right
    before settles a rival that is a noun or an adverb («не кипишуй»), never a verb («не
    пришли») or a word that agrees with a noun («не мой день»).
    """
    tokens = scan.tokens
    following = tokens[token.index + 1] if token.index + 1 < len(tokens) else None
    if (
        form.cue_settles
        and following is not None
        and following.norm in scan.vocabulary.imperative_cues
        and not _CLAUSE_BREAK.search(scan.normalized.text, token.nend, following.nstart)
    ):
        return True
    return form.negation_settles and token.index > 0 and tokens[token.index - 1].norm == _NEGATION


def _generic_clause(scan: Scan, token: Token, tags: frozenset[str]) -> bool:
    """Tell whether a «ты»-form speaks of anyone: «на котором сидишь», «как ни крути»."""
    tokens = scan.tokens
    if token.index and _IMPERATIVE in tags:
        previous = tokens[token.index - 1].norm
        if previous == _CONCESSIVE or (
            previous == _NEGATION
            and token.index > 1
            and tokens[token.index - 2].norm in _CONCESSIVE_OPENERS
        ):
            return True
    if "indc" not in tags or scan.addressed:
        return False
    before = tokens[max(0, token.index - 3) : token.index]
    return any(t.norm in scan.vocabulary.relative_words for t in before)


def is_vocative(scan: Scan, token: Token) -> bool:
    """Tell whether a word is set off as an address: «зай, …», «…, mate, …», «hey buddy,».

    An emoji after the word closes the address as a comma would («спасибо, сладкий 😘»). In
    English an address often closes the clause with nothing before it: «no worries mate».
    A possessive may follow the word inside the address: «зайка моя, …», «honey my, …».
    """
    text = scan.normalized.text
    end = token.nend
    compound = text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha()
    # A compound names a thing («Шеф-архитектор», «Зайка-пищалка»); a word in an oblique case, or
    # one before a list of things, opens a list («со свиньями, котами», «Солнце, море и пляж»).
    if (
        compound
        or _in_oblique_case(scan, token)
        or _opens_list_of_things(scan, token)
        or _closes_list_of_things(scan, token)
        or _subject_of_dash(scan, token)
    ):
        return False
    following = scan.tokens[token.index + 1] if token.index + 1 < len(scan.tokens) else None
    if following is not None and following.norm in _POSSESSIVES and next_char(text, end) != ",":
        end = following.nend
    after = next_char(text, end)
    if after and after not in _AFTER_ADDRESS and unicodedata.category(after) != _EMOJI:
        return False
    if is_sentence_start(text, token.nstart) or prev_char(text, token.nstart) in _BEFORE_ADDRESS:
        return True
    if LATIN_WORD.match(token.norm):
        # English closes a clause with its address («no worries mate», «relax buddy,»), unless
        # an article, a possessive or a link verb makes the word a thing spoken of («a very
        # loud ass», «your label is gorgeous»).
        before = scan.tokens[max(0, token.index - 3) : token.index]
        return not any(t.norm in _DETERMINERS for t in before)
    if token.index == 0:
        return False
    opener = scan.tokens[token.index - 1]
    return opener.norm in scan.vocabulary.address_openers and (
        is_sentence_start(text, opener.nstart) or prev_char(text, opener.nstart) in ","
    )


def _opens_list_of_things(scan: Scan, token: Token) -> bool:
    """Tell whether a comma after the word opens a list of things: the next word is a thing in
    the nominative, and «и» or another comma follows it («Пирожок, булочка и пончик — в меню»).
    A list of people («козлы, идиоты и уроды») is still said to someone."""
    tokens, text = scan.tokens, scan.normalized.text
    i = token.index
    if i + 2 >= len(tokens) or next_char(text, token.nend) != ",":
        return False
    thing, then = tokens[i + 1], tokens[i + 2]
    # Both must be things: «Юлечка, счёт и акт в одном файле» is said to Юлечка.
    if not (_is_thing_named(scan, token.norm) and _is_thing_named(scan, thing.norm)):
        return False
    return then.norm == "и" or next_char(text, thing.nend) == ","


def _closes_list_of_things(scan: Scan, token: Token) -> bool:
    """Tell whether the word closes a list of things after commas: «молоко, луг, баран.»"""
    tokens, text = scan.tokens, scan.normalized.text
    i = token.index
    if i < 2:
        return False
    first, second = tokens[i - 2], tokens[i - 1]
    return (
        prev_char(text, token.nstart) == ","
        and prev_char(text, second.nstart) == ","
        and _is_thing_named(scan, first.norm)
        and _is_thing_named(scan, second.norm)
    )


def _subject_of_dash(scan: Scan, token: Token) -> bool:
    """Tell whether a dash makes the word the subject of what follows: «Крыса — символ года».

    An address is followed by a comma or a mark; after a dash a noun in the nominative says
    what the word is. «Козлы — вот вы кто» still says nothing of the word.
    """
    text = scan.normalized.text
    if next_char(text, token.nend) not in _DASHES or token.index + 1 >= len(scan.tokens):
        return False
    following = scan.tokens[token.index + 1]
    return any(
        {"NOUN", "nomn"} <= grammemes for _, grammemes, _ in scan.morph.parse(following.norm)
    )


def _is_thing_named(scan: Scan, word: str) -> bool:
    """Tell whether `word` can name a thing in the nominative. The inanimate accusative is spelt
    the same («море» is read first as the locative); an interjection («блин») is not a thing, nor
    a word pymorphy only guesses (a pet name: «Юлечка»)."""
    if not scan.morph.is_known(word):
        return False
    readings = scan.morph.parse(word)
    if any("INTJ" in grammemes or "PRCL" in grammemes for _, grammemes, _ in readings):
        return False
    return any(
        {"NOUN", "inan"} <= grammemes and not grammemes.isdisjoint({"nomn", "accs"})
        for _, grammemes, _ in readings
    )


# Cases no address is ever in. The genitive plural is not among them: it is also the form of the
# new vocative («Танюш», «Маш», «норм» is a genitive too).
_NEVER_ADDRESS_CASES = frozenset({"datv", "ablt", "loct", "loc2"})


def _in_oblique_case(scan: Scan, token: Token) -> bool:
    """Tell whether every reading of a Russian word is in a case no address is in: «котами»,
    «ослу», «о баранах» are spoken of, never spoken to."""
    if not _CYRILLIC_WORD.match(token.norm):
        return False
    readings = scan.morph.parse(token.norm)
    return bool(readings) and all(_NEVER_ADDRESS_CASES & tags for _, tags, _ in readings)


def is_address(scan: Scan, token: Token) -> bool:
    """Tell whether a word is an address: set off as one (`is_vocative`), or, in English, opening
    a clause said to "you" with nothing between («hun you're overthinking it»)."""
    if is_vocative(scan, token):
        return True
    return _you_follows(scan, token) and _opens_english_address(scan, token)


def _you_follows(scan: Scan, token: Token) -> bool:
    """Tell whether a clause said to "you" follows the word: «you're …», «you always …», «u …»."""
    tokens, i = scan.tokens, token.index
    if i + 1 >= len(tokens):
        return False
    if tokens[i + 1].norm in _YOU_ALONE:
        return True
    return tokens[i + 1].norm == "you" and i + 2 < len(tokens) and tokens[i + 2].norm in _YOU_THEN


def _opens_english_address(scan: Scan, token: Token) -> bool:
    """Tell whether a Latin word opens its sentence, alone or after an opener («haha mate»)."""
    if not LATIN_WORD.match(token.norm):
        return False
    text = scan.normalized.text
    if is_sentence_start(text, token.nstart):
        return True
    if token.index == 0:
        return False
    opener = scan.tokens[token.index - 1]
    return opener.norm in scan.vocabulary.address_openers and is_sentence_start(text, opener.nstart)


def compile_caps(rules: list[Rule], morph: Morph, vocabulary: Vocabulary) -> tuple[Rule, ...]:
    """Caps rules need nothing compiled."""
    del morph, vocabulary
    return tuple(rules)


def match_caps(scan: Scan, rules: tuple[Rule, ...]) -> list[Hit]:
    """Find a message written mostly in capitals (acronyms and quotes aside)."""
    text = scan.original
    if not rules or not _UPPER_RUN.search(text):
        return []
    shouted: list[tuple[int, int, int]] = []  # (start, end, letters) of capitalised words
    letters = 0
    for token in scan.tokens:
        if token.quoted:
            continue
        word = text[token.start : token.end]
        count = sum(1 for ch in word if ch.isalpha())
        letters += count
        if count >= 2 and word.isupper():
            shouted.append((token.start, token.end, count))
    if len(shouted) < CAPS_MIN_WORDS or all(n < CAPS_LONG_WORD for _, _, n in shouted):
        return []
    loud = sum(n for _, _, n in shouted)
    if loud < CAPS_MIN_LETTERS or loud < CAPS_MIN_SHARE * letters:
        return []
    return [(rules[0], shouted[0][0], shouted[-1][1], None)]
