"""Which sense a word has here: a name or a common noun, said of a person or of a thing.

Many insults are also the names of animals or things («баран», «курица», «клоун», «тормоз»), and
Russian surnames are built on the same stems («Баранов», «Козлов», «Свиньин», «Хренов»). The
dictionary cannot tell them apart; the sentence can:

* a **name** is capitalised (not shouted in capitals) and either has a surname, first-name,
  patronymic or place reading in pymorphy, or stands mid-sentence with the suffix of a surname;
* a word is **said of a person** when it is set off as an address («бараны, опять…»), when a
  pronoun, a demonstrative or a word for a person stands before it in its clause («вы там все
  олени», «эти курицы», «ваш юрист — змея»), when an adjective of a person's character stands
  beside it («старый козёл», «петух чванливый»), or when «из» and a team or a company follow
  («курица из маркетинга»). A hyphenated compound names a thing («свинья-копилка»).
"""

from __future__ import annotations

import re

from rules.grammar import is_vocative
from rules.scan import Scan
from rules.text import LATIN_WORD, Token, is_sentence_start

_NAME_TAGS = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn"})
_GIVEN = frozenset({"Name", "Patr"})
# Endings of Russian, Georgian, Armenian and Ukrainian surnames in any case.
_SURNAME = re.compile(
    r"(?:[оеё]в|[иы]н|ск|цк)(?:а|у|ым|ом|е|ой|ых|ыми|ого|ому|ая|ую|ий)?\Z"
    r"|(?:дзе|швили|ян|енко|ук|юк|ич)\Z"
)
_CLAUSE_BREAK = re.compile(r"[.!?…()\n;:]")
_CYRILLIC = re.compile(r"[а-я]")
_DETERMINERS = frozenset({"a", "an", "the", "what", "big", "little"})
_PREDICATE_CASES = frozenset({"nomn", "ablt", "voct"})
_ADJECTIVE = frozenset({"ADJF", "PRTF"})
_PRONOUN = frozenset({"NPRO", "Apro"})
_THING_POINTERS = frozenset({"это", "this"})  # forms of «этот» that speak of things
# Suffixes of nouns of a trade, in any case: «упаковщик», «пиарщица», «водитель», «юрист».
_AGENT_SUFFIXES = tuple(
    stem + ending
    for stem in ("щик", "щиц", "чик", "тел", "ист", "истк", "олог")
    for ending in ("", "а", "у", "ом", "е", "и", "ов", "ам", "ами", "ах", "ей", "ь", "я", "ю", "ем")
)
_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2"})
_COORDINATORS = frozenset({"и", "или", "and", "or"})
_SIDE_WINDOW = 4  # how far from a word of trouble «your» or «our» says whose it is
_LOOK_BACK = 6  # how many words before an insult a pointer to a person may stand


def is_name(scan: Scan, token: Token) -> bool:
    """Tell whether a word is written as a proper name: «Баранов», «Свиньин», «Ослову», or
    names a client of the registry in any case or spelling («наши рыбники, Тюлень»)."""
    if names_client(scan, token):
        return True
    written = scan.original[token.start : token.end]
    if not written[:1].isupper() or written.isupper():
        return False
    if LATIN_WORD.match(token.norm):
        return token.norm in scan.vocabulary.latin_names and not _after_determiner(scan, token)
    surname_shape = _SURNAME.search(token.norm) is not None
    if _has_name_reading(scan, token, surname_shape):
        return True
    if not surname_shape:
        return False
    # A surname's shape: mid-sentence, or beside a first name or patronymic («Хамов Дмитрий»).
    return not scan.sentence_start(token) or _beside_first_name(scan, token)


def _has_name_reading(scan: Scan, token: Token, surname_shape: bool) -> bool:
    """Tell whether pymorphy reads the word as a name, and the reading is to be trusted.

    At the start of a sentence the capital says nothing, and pymorphy guesses a surname for any
    word it does not know («Нахер нам это…»): there a guess needs a surname's shape.
    """
    readings = scan.morph.parse(token.norm)
    if not any(_NAME_TAGS & tags for _, tags, _ in readings):
        return False
    if surname_shape or not scan.sentence_start(token):
        return True
    # A known word opening a sentence is a name when that is its likeliest reading: «Марина,
    # …», «Иванов прислал», but not «Бараны и осёл смотрятся на фоне сыроварни».
    return scan.morph.is_known(token.norm) and bool(_NAME_TAGS & readings[0][1])


def _after_determiner(scan: Scan, token: Token) -> bool:
    """Tell whether an article or a pointer makes a capitalised word a noun: «you Dick»."""
    if token.index == 0:
        return False
    before = scan.tokens[token.index - 1].norm
    return before in _DETERMINERS or before in scan.vocabulary.person_pointers


def names_client(scan: Scan, token: Token) -> bool:
    """Tell whether the word is part of a client's name from the registry."""
    return any(m.first <= token.index <= m.last for m in scan.mentions)


def _beside_first_name(scan: Scan, token: Token) -> bool:
    for i in (token.index - 1, token.index + 1):
        if 0 <= i < len(scan.tokens):
            other = scan.tokens[i]
            written = scan.original[other.start : other.end]
            if written[:1].isupper() and any(
                _GIVEN & tags for _, tags, _ in scan.morph.parse(other.norm)
            ):
                return True
    return False


def after_name_or_greeting(scan: Scan, token: Token) -> bool:
    """Tell whether the word comes right after a capitalised name («Priya love», «Chloe dear»)
    or after a greeting or thanks that opens the sentence («hiya love», «thanks dear»)."""
    if token.index == 0 or not scan.original[token.start].islower():
        return False  # «Big Love»: a capital makes the word part of the name
    before = scan.tokens[token.index - 1]
    if scan.original[before.end : token.start].strip():
        return False  # a comma between: not one address
    if before.norm in scan.vocabulary.greetings:
        return is_sentence_start(scan.normalized.text, before.nstart)
    written = scan.original[before.start : before.end]
    return len(written) >= 2 and written[0].isupper() and not written.isupper()


def is_first_name_or_unknown(scan: Scan, token: Token) -> bool:
    """Tell whether a word is a first name to the dictionary, or a word it does not know."""
    if not scan.morph.is_known(token.norm):
        return True
    return any("Name" in tags for _, tags, _ in scan.morph.parse(token.norm))


def said_of_person(scan: Scan, token: Token) -> bool:
    """Tell whether an insult that is also a thing or an animal is said of a person here."""
    if token.quoted or _in_compound(scan, token) or is_name(scan, token):
        return False
    if is_vocative(scan, token):
        return True
    return _pointer_before(scan, token) or _trait_after(scan, token) or _team_after(scan, token)


def said_of_self(scan: Scan, token: Token) -> bool:
    """Tell whether the writer says the word of themselves: «я полный дилетант», «I'm such an
    idiot», «я был дураком». Self-deprecation insults no one.

    The nearest pointer before the word in its clause is «я» or «I», with only particles,
    adjectives and link verbs between. Only the plain words of incompetence carry the condition
    (rudeness.toml): «я лох», «я дебил» are coarse whoever they are said of.
    """
    if is_vocative(scan, token) or not _may_be_predicate(scan, token):
        # «не пиши мне, старый идиот» is an address, not a confession; and «я лично морду набью»
        # says the word of no one: only a predicate («я тормоз», «я был дураком») is a confession
        return False
    tokens = scan.tokens
    vocabulary = scan.vocabulary
    text = scan.normalized.text
    later = token
    for earlier in reversed(tokens[max(0, token.index - _LOOK_BACK) : token.index]):
        if _CLAUSE_BREAK.search(text, earlier.nend, later.nstart):
            return False
        word = earlier.norm
        if word in vocabulary.first_person:
            return _nominative(scan, earlier)  # «я дилетант», not «мне этот дилетант»
        if word in vocabulary.particles or word in vocabulary.link_words or _adverb(scan, earlier):
            later = earlier  # «я сегодня тормоз», «я вообще овощ»
            continue
        if _pronoun(scan, earlier) or not _adjective(scan, earlier):
            return False  # another pointer («ты», «этого дурака») or a word of another role
        later = earlier
    return False


def agency_s_own(scan: Scan, token: Token) -> bool:
    """Tell whether trouble is the agency's own, not the client's told back to it.

    «Sorry to hear about the layoffs on your side», «thanks for the heads-up about your team
    restructuring», «у вас сокращения — мы можем взять отчёты на себя» speak of the client's
    affairs: the side named nearest the word, in its clause, is the client's («our team is
    restructuring, so you'll get a new manager» is the agency's news). At equal distance the word
    before wins: a possessor stands before («у вас реорганизация»), an offer after.
    """
    vocabulary = scan.vocabulary
    for other in _nearest_in_clause(scan, token, _SIDE_WINDOW):
        if other.norm in vocabulary.self_reference:
            return True
        if other.norm in vocabulary.client_side:
            return False
    return True


def _nearest_in_clause(scan: Scan, token: Token, size: int) -> list[Token]:
    """Return the words within `size` of a token in its clause, nearest first, before first."""
    tokens, text = scan.tokens, scan.normalized.text
    sides: list[list[Token]] = []
    for step in (-1, 1):
        side: list[Token] = []
        last = token
        for offset in range(1, size + 1):
            index = token.index + step * offset
            if not 0 <= index < len(tokens):
                break
            other = tokens[index]
            first, second = (other, last) if step < 0 else (last, other)
            if _CLAUSE_BREAK.search(text, first.nend, second.nstart):
                break
            side.append(other)
            last = other
        sides.append(side)
    before, after = sides
    nearest = []
    for offset in range(size):
        nearest += [side[offset] for side in (before, after) if offset < len(side)]
    return nearest


def _trait_after(scan: Scan, token: Token) -> bool:
    """Tell whether an adjective of a person's character follows: «петух чванливый»."""
    i = token.index + 1
    return i < len(scan.tokens) and scan.tokens[i].norm in scan.vocabulary.insult_traits


def _in_compound(scan: Scan, token: Token) -> bool:
    """Tell whether a hyphen joins the word to the next one: «свинья-копилка», «idiot-proof»."""
    text = scan.normalized.text
    end = token.nend
    return end + 1 < len(text) and text[end] == "-" and text[end + 1].isalpha()


def _pointer_before(scan: Scan, token: Token) -> bool:
    """Find a pronoun, a demonstrative or a word for a person before the word, in its clause.

    Right before it, or with only adjectives and particles between, the pointer agrees with the
    word in any case: «этого старого козла», «таких козлов», «муженька козла», «ну ты и осёл».
    Further away the pointer must be the subject and the word its predicate (nominative, or
    instrumental after a link verb): «вы там все олени», but not «мы снимали баранов». English
    has no cases to tell that: a link verb must stand between («the guy is a pig», «you're
    clowns»), so «we booked a clown» speaks of a clown.
    """
    tokens = scan.tokens
    vocabulary = scan.vocabulary
    text = scan.normalized.text
    later = token
    agreeing = True  # only adjectives and particles so far between the pointer and the word
    linked = bool(_CYRILLIC.search(token.norm))  # Russian predicates are told by their case
    link_seen = False  # a link verb between: «это надо быть дятлом»
    for earlier in reversed(tokens[max(0, token.index - _LOOK_BACK) : token.index]):
        if _CLAUSE_BREAK.search(text, earlier.nend, later.nstart):
            return False
        word = earlier.norm
        if word in vocabulary.insult_traits and later is token:
            return True  # «старый козёл», «жирная свинья»: the trait is said of a person
        if word in _COORDINATORS and not _pronoun_before(scan, earlier):
            return False  # «курьер на самокате и ишак»: two in a list; but «ну ты и осёл»
        pointer = word in vocabulary.person_pointers and not _thing_pointer(
            scan, earlier, later, linked=link_seen
        )
        named = "," not in text[earlier.nend : token.nstart] and _names_person(scan, earlier)
        if pointer or word in vocabulary.person_nouns or named:
            if agreeing and _agree(scan, earlier, token):
                return True
            return (
                linked
                and _nominative(scan, earlier)
                and _predicate_of_subject(scan, token, linked_by_verb=link_seen)
            )
        link_seen = link_seen or word in vocabulary.link_words
        linked = linked or link_seen
        agreeing = agreeing and (word in vocabulary.particles or _adjective(scan, earlier))
        later = earlier
    return False


def _pronoun_before(scan: Scan, token: Token) -> bool:
    """Tell whether a personal pronoun stands right before the word: «ты и осёл»."""
    index = token.index - 1
    return index >= 0 and scan.tokens[index].norm in scan.vocabulary.person_pointers


def _adverb(scan: Scan, token: Token) -> bool:
    readings = scan.morph.parse(token.norm)
    return bool(readings) and "ADVB" in readings[0][1]


def _adjective(scan: Scan, token: Token) -> bool:
    return any(_ADJECTIVE & tags for _, tags, _ in scan.morph.parse(token.norm))


def _names_person(scan: Scan, token: Token) -> bool:
    """Tell whether a word names a person: a person's name («Козлов — козёл», «Радж — дятел»),
    or a noun of a trade («ваш упаковщик упырь», «пиарщица», «кладовщик»). A name set off by a
    comma is an address, not the subject («Марина, корова на упаковке…»)."""
    if token.quoted:
        return False  # «Курник» is a product's name, written as someone else's word
    if is_name(scan, token) and not names_client(scan, token):
        return True
    return token.norm.endswith(_AGENT_SUFFIXES) and any(
        {"NOUN", "anim"} <= tags for _, tags, _ in scan.morph.parse(token.norm)
    )


def _thing_pointer(scan: Scan, pointer: Token, after: Token, *, linked: bool) -> bool:
    """Tell whether a form of a pointer points at no person: neuter «это» without a link verb
    («это уже шестая итерация коровы», but «это надо быть дятлом»), or «самый» making a
    superlative («самого красивого петуха»)."""
    if pointer.norm in _THING_POINTERS:
        return not linked
    return pointer.norm.startswith("сам") and _adjective(scan, after)


def _agree(scan: Scan, pointer: Token, word: Token) -> bool:
    """Tell whether a pointer and the word may stand in one case: «этого козла», «ну ты и осёл»,
    but not «у них свинья» (whose pig) nor «ты свинью видела» (what she saw)."""
    if not (_CYRILLIC.search(pointer.norm) and _CYRILLIC.search(word.norm)):
        return True
    cases = {tag for _, tags, _ in scan.morph.parse(pointer.norm) for tag in tags & _CASES}
    return any(cases & tags for _, tags, _ in scan.morph.parse(word.norm)) or not cases


def _pronoun(scan: Scan, token: Token) -> bool:
    return any(_PRONOUN & tags for _, tags, _ in scan.morph.parse(token.norm))


def _nominative(scan: Scan, token: Token) -> bool:
    if not _CYRILLIC.search(token.norm):
        return True
    return any("nomn" in tags for _, tags, _ in scan.morph.parse(token.norm))


def _predicate_of_subject(scan: Scan, token: Token, *, linked_by_verb: bool) -> bool:
    """Tell whether a word far from its subject may be its predicate: in the nominative («вы
    там все олени»), or in the instrumental after a link verb («это надо быть дятлом»). Without
    one the instrumental is a complement («мы работаем со свиньями и ослом»), and after a
    preposition the word is no predicate at all («на упаковке с курицей», «для сельской
    скотины»)."""
    if not _CYRILLIC.search(token.norm):
        return True
    if _after_preposition(scan, token):
        return False
    cases = {"nomn", "voct", "ablt"} if linked_by_verb else {"nomn", "voct"}
    return any(
        cases & tags and not _NAME_TAGS & tags for _, tags, _ in scan.morph.parse(token.norm)
    )


def _after_preposition(scan: Scan, token: Token) -> bool:
    """Tell whether a preposition governs the word, with only adjectives between."""
    for earlier in reversed(scan.tokens[max(0, token.index - _LOOK_BACK) : token.index]):
        readings = scan.morph.parse(earlier.norm)
        if readings and "PREP" in readings[0][1]:
            return True
        if _pronoun(scan, earlier) or not _adjective(scan, earlier):
            return False  # «при всех бараны»: the preposition governs the pronoun, not the word
    return False


def _may_be_predicate(scan: Scan, token: Token) -> bool:
    if not _CYRILLIC.search(token.norm):
        return True
    return any(
        _PREDICATE_CASES & tags and not _NAME_TAGS & tags
        for _, tags, _ in scan.morph.parse(token.norm)
    )


def _team_after(scan: Scan, token: Token) -> bool:
    """Tell whether «из» and a team or a company follow: «курица из маркетинга», «…из Громова»."""
    tokens = scan.tokens
    i = token.index
    if i + 2 >= len(tokens) or tokens[i + 1].norm not in ("из", "from"):
        return False
    if not _may_be_predicate(scan, token):  # «индюков из Петушков»: whom, not who
        return False
    team = tokens[i + 2]
    if team.norm in scan.vocabulary.teams:
        return True
    written = scan.original[team.start : team.end]
    return written[:1].isupper() or team.norm in ("вашего", "вашей", "ваших", "your")
