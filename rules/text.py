"""Text normalisation and tokenisation that defeat disguise yet keep exact spans.

Two layers:

* characters: NFKC, lower case, ё→е, zero-width and combining marks removed. Most messages are
  plain Cyrillic or ASCII, where this is one `str.lower()` and positions do not move; otherwise
  every normalised character remembers the span of the original characters it came from.
* words: a token is a run of letters, digits and mask characters (`х*й`, `доеб@лись`). Inside a
  word that has Cyrillic letters, Latin and digit look-alikes become Cyrillic (`xyй`, `зае6ись`),
  and runs of three or more equal letters shrink to one (`дееебил`). Letters written apart
  (`х.у.й`, `ху ё вая`, `f.u.c.k`) are joined into extra candidate words by `joined_words`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Characters that are safe to take through `str.lower()` alone: positions stay put.
_PLAIN = re.compile(r"[\x09\x0a\x0d\x20-\x7e\u0400-\u045f«»“”„—–…№]*\Z")
_SPECIAL = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\u0400-\u045f«»“”„—–…№]+")

# Latin letters, digits and signs that stand in for Cyrillic letters inside a Cyrillic word: by
# shape («xyй», «зае6ись», «н@хуй») or, for letters without a twin, by sound («пиzдец», «sука»),
# and the Ukrainian «і», «ї». A word with one Cyrillic letter is read as Cyrillic («xyй»); a word
# mostly in Latin is read as Latin too, among the candidates («fuсking»).
LOOKALIKES = str.maketrans(
    {
        "a": "а", "b": "в", "c": "с", "d": "д", "e": "е", "h": "н", "k": "к", "l": "л",
        "m": "м", "n": "п", "o": "о", "p": "р", "r": "г", "t": "т", "u": "и", "x": "х",
        "y": "у", "0": "о", "3": "з", "4": "ч", "6": "б", "9": "я", "@": "а",
        "z": "з", "s": "с", "i": "и", "v": "в", "f": "ф", "j": "й", "g": "г", "і": "и", "ї": "и",
    }
)  # fmt: skip
# Cyrillic and other signs that stand in for Latin letters inside a Latin word («fuсking»,
# «bullshіt», «sh1t», «b!tch», «a$$hole», «dumb@ss»): candidates for English roots only.
LATIN_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "с": "c", "е": "e", "н": "h", "к": "k", "м": "m", "о": "o", "р": "p",
        "т": "t", "у": "y", "х": "x", "і": "i", "0": "o", "1": "i", "3": "e", "4": "a", "5": "s",
        "7": "t", "@": "a", "$": "s", "!": "i", "|": "i",
    }
)  # fmt: skip
_HAS_CYRILLIC = re.compile(r"[а-я]")
_HAS_LOOKALIKE = re.compile(r"[a-z0-9@ії]")
_LATIN_LETTER = re.compile(r"[a-z]")
LATIN_WORD = re.compile(r"[a-z]+\Z")  # a normalised word of Latin letters only: English
_LETTERS = re.compile(r"[^\W\d_]+")
_HAS_DIGIT = re.compile(r"\d")
_CODE = re.compile(r"\d+[^\W\d_]|(?=[^\W_]*\d)[A-ZА-ЯЁ\d]{2,8}")
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_REPEATS = re.compile(r"(.)\1+")
MASKS = "*#%$"
_MASK_CHARS = re.compile(r"[*#%$]")

# A word: letters and digits, with mask or look-alike signs inside or at its end.
# A mask may open a word only as «*» or «$» before a letter («*уй», «$ука»): «#» opens hashtags
# and numbers («#1234»), «%» follows figures.
_WORD = re.compile(r"(?:[*$]{1,3}(?=[^\W\d_]))?[^\W_]+(?:[@*#$%]+[^\W_]*)*")
# Short fragments of a word written apart: «х.у.й», «ху ё вая», «f-u-c-k».
# A fragment is one to three letters, each of which may be stretched («хууу ё вая»).
_FRAGMENTS = re.compile(
    r"(?<![^\W_])(?:(?P<a>[^\W\d_])(?P=a)*){1,3}"
    r"(?:[\s.\-_,·|/\\]{1,2}(?:(?P<b>[^\W\d_])(?P=b)*){1,3}){1,8}(?![^\W_])"
)
# English writes quotes as single quotes too ('this app is garbage'); an apostrophe inside a word
# («don't») opens nothing, since a quote must follow a space or a sign, not a letter.
_QUOTES = re.compile(
    r"«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|\"[^\"]*\""
    r"|(?<![^\W_])'(?:[^'\n]|(?<=[^\W_])'(?=[^\W_])){1,200}'(?![^\W_])"
)
_SENTENCE_END = frozenset(".!?…\n")
# raw word → (de-obfuscated word, masked): words repeat, so most are looked up, not redone.
_WORDS: dict[str, tuple[str, bool]] = {}
_WORDS_CACHE_SIZE = 100_000
_HAS_WORD = re.compile(r"[^\W_]")
_MARKS = frozenset({"Mn", "Me"})
# Characters that show nothing, or a blank, and so hide between letters («б\u3164л\u3164я»):
# formatting characters, marks without a base, and the default-ignorable or blank letters of
# other categories: the Hangul fillers, the blank Braille pattern, the Mongolian vowel separator.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
_INVISIBLE = frozenset("\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0\ufffc") | frozenset(
    map(chr, range(0xFFF0, 0xFFF9))
)
# The replacement character and a lone surrogate (an undecodable byte kept by `surrogateescape`)
# are what is left of a byte that may have been a letter («пи\ufffdдец») or an insertion
# («пи\ufffdздец»): a mask, which stands for a few letters or none.
_REPLACEMENT = "\ufffd"


# Text that is not the author's words: Slack's markup (a link's target, a mention, a channel),
# links, e-mail addresses and code. Judged, a URL's path («…/pizdec-promo») or a mention's id
# would be read as words. A Slack link keeps its label, which the author did write. Every
# pattern here runs in linear time: nothing can follow an unbounded run that would make it
# backtrack, and addresses are grown out of each «@» rather than searched for.
_MARKUP = re.compile(
    r"<(?P<target>(?:[@#!]|[a-z][a-z0-9+.-]{0,30}:)[^<>|\s]*)(?:\|(?P<label>[^<>]*))?>"
    r"|```.*?```|`[^`\n]+`"
    r"|(?:https?://|ftp://|www\.)[^\s<>«»\"]+"
    # the path of a bare domain: «otzovik.ru/review/kurery-mudaki»; the domain itself stays, as
    # it may name a client («vilka.app»); only a top-level domain in use makes one («fuck.off/»)
    r"|(?<![\w.@-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*"
    r"\.(?i:ru|su|com|net|org|io|info|biz|me|app|dev|co|uk|de|ua|by|kz|example|online|site|pro"
    r"|ly|gl|tv|to|cc|ai|xyz|store|shop)(?::\d{1,5})?"
    r"(?P<path>/[^\s<>«»\"]*)",
    re.DOTALL,
)
_MARKUP_HINTS = ("://", "www.", "`", "<", ".")
_URL_TAIL = ".,!?;:)"
_ADDRESS_LOCAL = re.compile(r"[a-z0-9._%+-]{1,64}\Z")
_ADDRESS_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}")


def blank_markup(text: str) -> str:
    """Blank out links, addresses, code and Slack markup, keeping every other position.

    Slack's `<https://…|label>` keeps its label. Line breaks stay, so sentences still end there.
    """
    if any(hint in text for hint in _MARKUP_HINTS):
        text = _MARKUP.sub(_blank, text)
    if "@" in text:
        text = _blank_addresses(text)
    return text


def _blank(match: re.Match[str]) -> str:
    found = match.group()
    label = match.group("label")
    if label is not None and not match.group("target").startswith(("@", "#", "!")):
        start, end = match.span()
        inner_start, inner_end = match.span("label")
        return " " * (inner_start - start) + label + " " * (end - inner_end)
    if match.group("path") is not None:
        path = match.group("path").rstrip(_URL_TAIL)
        kept = match.start("path") - match.start()
        return found[:kept] + _spaces(path) + found[kept + len(path) :]
    if found[0] not in "<`":  # a bare link: the sentence's own punctuation after it stays
        link = found.rstrip(_URL_TAIL)
        return _spaces(link) + found[len(link) :]
    return _spaces(found)


def _spaces(text: str) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in text)


def _blank_addresses(text: str) -> str:
    """Blank e-mail addresses: «name@host.tld» grown out of each «@», in linear time."""
    out = list(text)
    at = text.find("@")
    while at != -1:
        local = _ADDRESS_LOCAL.search(text, max(0, at - 64), at)
        domain = _ADDRESS_DOMAIN.match(text, at + 1, at + 255)
        if local is not None and domain is not None:
            out[local.start() : domain.end()] = " " * (domain.end() - local.start())
        at = text.find("@", at + 1)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A text brought to one case and alphabet, with a way back to original positions."""

    text: str
    original: str
    starts: tuple[int, ...] | None = None  # None: positions did not move
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of the original it came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            return self.starts[start], self.starts[start]
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> Normalized:
    """Normalise characters: NFKC, lower case, ё→е, no invisible characters, no markup."""
    if _PLAIN.match(text):
        return Normalized(blank_markup(text.lower().replace("ё", "е")), text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0  # everything before `done` is in `out`
    for match in _SPECIAL.finditer(text):
        begin, stop = match.span()
        if begin > done and unicodedata.combining(text[begin]):
            begin -= 1  # a mark belongs to the plain letter before it: «и» + breve is «й»
        if begin > done:  # plain characters keep their places: lower() alone, in one go
            out.append(text[done:begin].lower().replace("ё", "е"))
            starts.extend(range(done, begin))
            ends.extend(range(done + 1, begin + 1))
        for start, end in _clusters(text, begin, stop):
            piece = _normalize_cluster(text[start:end])
            out.append(piece)
            starts.extend([start] * len(piece))
            ends.extend([end] * len(piece))
        done = stop
    if done < len(text):
        out.append(text[done:].lower().replace("ё", "е"))
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return Normalized(blank_markup("".join(out)), text, tuple(starts), tuple(ends))


def _clusters(text: str, i: int, n: int) -> Iterator[tuple[int, int]]:
    """Yield spans of a base character with the combining marks that follow it, in [i, n)."""
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        yield i, j
        i = j


def _normalize_cluster(cluster: str) -> str:
    base = cluster[0]
    if base == _REPLACEMENT or unicodedata.category(base) == "Cs":
        return "*"  # an undecodable byte stood for some letter, or for none: a mask
    if base in _INVISIBLE or unicodedata.category(base) in _INVISIBLE_CATEGORIES:
        return ""  # zero-width joiners, soft hyphens, fillers, marks with no base: disguise
    composed = unicodedata.normalize("NFKC", cluster)
    # By category, not combining class: many marks (Thai, Indic) have class 0.
    bare = "".join(ch for ch in composed if unicodedata.category(ch) not in _MARKS)
    return bare.lower().replace("ё", "е")


def deobfuscate(word: str) -> str:
    """Undo look-alikes and stretched letters in one lower-case word."""
    if _HAS_CYRILLIC.search(word) and _HAS_LOOKALIKE.search(word):
        word = word.translate(LOOKALIKES)
    if _STRETCHED.search(word):
        word = _STRETCHED.sub(r"\1", word)
    return word


def _mostly_cyrillic(word: str) -> bool:
    return len(_HAS_CYRILLIC.findall(word)) >= len(_LATIN_LETTER.findall(word))


def skeleton(word: str) -> str:
    """Collapse every run of a repeated character: «ссука» and «сука» look alike to roots."""
    return _REPEATS.sub(r"\1", word)


class Token:
    """One word of a message: its de-obfuscated form and its span in the original text."""

    __slots__ = ("end", "index", "masked", "nend", "norm", "nstart", "quoted", "start")

    def __init__(
        self,
        norm: str,
        nstart: int,
        nend: int,
        start: int,
        end: int,
        masked: bool = False,
        index: int = 0,
    ) -> None:
        self.norm = norm
        self.nstart = nstart
        self.nend = nend
        self.start = start
        self.end = end
        self.masked = masked
        self.quoted = False
        self.index = index

    def __repr__(self) -> str:
        return f"Token({self.norm!r}, {self.start}, {self.end})"


def tokenize(normalized: Normalized) -> list[Token]:
    """Split a normalised text into de-obfuscated words; mark those inside quotes."""
    text = normalized.text
    tokens: list[Token] = []
    moved = normalized.starts is not None
    cache = _WORDS
    for index, match in enumerate(_WORD.finditer(text)):
        raw = match.group()
        known = cache.get(raw)
        if known is None:
            word = deobfuscate(raw)
            known = (word, _MASK_CHARS.search(word) is not None)
            if len(cache) >= _WORDS_CACHE_SIZE:
                cache.clear()
            cache[raw] = known
        start, end = match.span()
        first, last = normalized.span(start, end) if moved else (start, end)
        norm = known[0]
        if norm != raw and _HAS_DIGIT.search(raw) and _is_code(normalized.original[first:last]):
            norm = raw  # «6л», «Х3», «6Л9» are volumes and codes, not disguised words
        tokens.append(Token(norm, start, end, first, last, known[1], index))
    if tokens and ('"' in text or "«" in text or "“" in text or "„" in text or "'" in text):
        _mark_quoted(text, tokens)
    return tokens


def _is_code(written: str) -> bool:
    """Tell whether a word with digits is a quantity or a code: «6л», «30г», «Х3», «ТД6Л9».

    A number with one letter of a unit, or capitals and digits only. «зае6ись», «6ля» have
    lower-case letters around the digit and stay disguises.
    """
    return _CODE.fullmatch(written) is not None


def _mark_quoted(text: str, tokens: list[Token]) -> None:
    # A doubled quote (`""`) is an escaped quote sign, as CSV and some exports write it; and a
    # quotation that is the whole message quotes nobody: its author says it.
    probe = text.replace('""', "  ") if '""' in text else text
    first = _HAS_WORD.search(probe)
    if first is None:
        return
    last = len(probe) - 1
    while last > 0 and not (probe[last].isalnum()):
        last -= 1
    regions = [
        m.span() for m in _QUOTES.finditer(probe) if first.start() < m.start() or last >= m.end()
    ]
    # One sweep: regions and tokens both run left to right (a quadratic `any` stalled on
    # megabytes of «…»).
    i = 0
    for token in tokens:
        while i < len(regions) and regions[i][1] <= token.nstart:
            i += 1
        token.quoted = i < len(regions) and regions[i][0] < token.nstart


def joined_words(normalized: Normalized) -> list[Token]:
    """Join letters written apart («х.у.й», «ху ё вая») into candidate words.

    Only runs with at least one lone letter count, so ordinary short words («я и ты» aside) are
    rarely joined; the joined words are then matched against roots only.
    """
    text = normalized.text
    joined: list[Token] = []
    for match in _FRAGMENTS.finditer(text):
        for start, end in _runs(text, *match.span()):
            parts = _LETTERS.findall(text, start, end)
            if not any(len(p) == 1 for p in parts):
                continue
            word = deobfuscate("".join(parts))
            if len(word) >= 3:
                joined.append(Token(word, start, end, *normalized.span(start, end)))
    return joined


def _runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the whole run of letters written apart, and its stretches of one separator:
    in «ну и х.у.л.и» the dotted «х.у.л.и» is a word of its own."""
    pieces = list(_LETTERS.finditer(text, start, end))
    runs = [(start, end)]
    first = 0
    for i in range(1, len(pieces)):
        gap = text[pieces[i - 1].end() : pieces[i].start()]
        nxt = text[pieces[i].end() : pieces[i + 1].start()] if i + 1 < len(pieces) else None
        if nxt != gap:  # the stretch from `first` ends at piece i
            if i - first >= 1 and (first, i) != (0, len(pieces) - 1):
                runs.append((pieces[first].start(), pieces[i].end()))
            first = i
    return runs


# Letters drawn with several signs, and signs or numbers that stand for a letter or a group of
# letters inside a word: «п|/|здец», «}{уйня», «>|<опа», «3.14здец» (π), «п!здец». A run of dots
# or a hyphen after one letter leaves a gap for letters, like a mask: «п..здец», «п-ц», «б-дь».
# Longer drawings first: «}|{» is «ж» before «}{» is «х».
_DRAWN = (
    (">|<", "ж"), ("}|{", "ж"), ("]|[", "ж"), (")|(", "ж"), ("/\\/\\", "м"), ("|\\/|", "м"),
    ("|/|", "и"), ("|\\|", "и"), ("/|/", "и"), ("|-|", "н"), ("}{", "х"), ("][", "х"),
    (")(", "х"), ("><", "х"), ("|<", "к"), ("/\\", "л"), ("3.14", "пи"), ("3,14", "пи"),
    ("π", "пи"), ("lli", "ш"), ("iii", "ш"), ("bi", "ы"), ("ьi", "ы"), ("|o", "ю"),
)  # fmt: skip
_DRAWN_SIGNS = re.compile(
    r"[@|/\\<>{}\[\]()!1€¥©π…]|\.\.|3[.,]14|(?<![^\W\d_])[^\W\d_][-_][^\W\d_]"
)
_AMBIGUOUS_SIGNS = ("|/|", "@", "!", "1")
_SIGN_LETTERS = str.maketrans({"!": "и", "1": "и", "|": "и", "€": "е", "¥": "у", "©": "с"})
_GAP = re.compile(r"\.{2,}|…|(?<=^[^\W\d_])[-_](?=[^\W\d_]{1,2}$)")
_GAP_MASK = "***"  # a gap may stand for up to five letters: «п-ц» is «пиздец»
_EDGES = "«»\"'“”„,.:;!?()[]{}<>|/\\-_"
_CANDIDATE = re.compile(r"[^\W\d_][^\W_*#%$@]*(?:[*#%$@]+[^\W_]*)*\Z")
_CHUNK = re.compile(r"\S{3,40}")
_PUNCTUATION = "«»\"'“”„,.:;!?"
# A sign between two letters, a drawn letter before one, a word opened by one letter and a
# hyphen, or Latin and Cyrillic letters side by side: a message without any has no candidate.
# Every alternative opens with a sign, so the engine skips letters at C speed; the letters
# around a sign are looked at behind and ahead. Two alphabets side by side are looked for apart,
# and only in a message that has both.
_DISGUISE_HINT = re.compile(
    r"(?<=[^\W\d_])(?:[|/\\!1€¥©$@*#%]+|\.\.+|…)(?=[^\W\d_])"
    r"|(?:}{|\]\[|\)\(|><|\|/\||\|\\\||\|<|\|-\||/\\|3[.,]14|π)(?=[^\W\d_])"
    r"|(?<![^\W_][^\W\d_])(?<=[^\W\d_])[-_](?=[^\W\d_])|(?<=[а-я])@"
)
# What every alternative of `_DISGUISE_HINT` needs, without its look-behinds: a sign right before
# a letter, or an «@». Most messages have none («!» and dashes stand before spaces), and one scan
# at C speed tells so; a message that has one is looked at around each sign as before.
_MAY_HINT = re.compile(r"[|/\\!1€¥©$@*#%…{\[(<4π_-](?=[^\W\d_])|\.\.(?=[^\W\d_])|@")
_MIXED_SCRIPTS = re.compile(r"[a-z](?=[а-яі])|[а-яі](?=[a-z])")
_SIGN = re.compile(r"[|/\\!1€¥©$@*#%…π}{\[\]<>()_-]|\.\.|3[.,]14")
_LATIN_SIGNS = re.compile(r"(?<=[a-z])[0-9!|@$а-яі]|[0-9!|@$а-яі](?=[a-z])")
_LATIN_EDGES = "«»\"'“”„,.:;!?()[]{}<>/\\-_"
_LATIN_CANDIDATE = re.compile(r"[a-z][a-z*#%]*[a-z]\Z")
# run of non-space characters → the drawn words read in it. Like `_WORDS`, shared by every
# check, thread included: a read or a store is one atomic dict operation, and a lost race only
# computes a reading twice. Cleared when full, so endless distinct runs cannot grow it.
_CHUNK_WORDS: dict[str, tuple[str, ...]] = {}
_CHUNK_CACHE_SIZE = 20_000


def disguised_words(normalized: Normalized) -> list[Token]:
    """Read words drawn with signs («п|/|здец», «}{уйня», «3.14здец», «п..здец») as candidates.

    Each run of non-space characters with such signs in it becomes one candidate word, matched
    against roots only, so a sign read wrongly can at worst make a word no root knows.
    """
    text = normalized.text
    found: list[Token] = []
    if not _has_drawn_sign(text) and not (
        _LATIN_LETTER.search(text) and _HAS_CYRILLIC.search(text) and _MIXED_SCRIPTS.search(text)
    ):
        return found  # most messages: no sign inside a word, one alphabet a word
    for match in _CHUNK.finditer(text):
        start, end = match.span()
        chunk = match.group()
        core = chunk.strip(_PUNCTUATION)  # the span stops at the sentence's own punctuation
        if not core:
            continue
        start += chunk.index(core)
        end = start + len(core)
        words = _CHUNK_WORDS.get(core)
        if words is None:
            words = _chunk_words(core)
        for word in words:
            found.append(Token(word, start, end, *normalized.span(start, end)))
    return found


def _chunk_words(chunk: str) -> tuple[str, ...]:
    """Read one run of non-space characters as drawn words; cache the reading by the run.

    A message with one drawn sign sends all its runs through here, and runs repeat across
    messages. Bounded as `_WORDS` is, for the same reason.
    """
    if _HAS_CYRILLIC.search(chunk) and _mostly_cyrillic(chunk):
        words = _undraw(chunk) if _DRAWN_SIGNS.search(chunk) else []
    else:
        words = [_unlatin(chunk)] if _LATIN_SIGNS.search(chunk) else []
    known = _words_of(chunk) if words else set()
    read = tuple(w for w in dict.fromkeys(words) if w is not None and w not in known)
    if len(_CHUNK_WORDS) >= _CHUNK_CACHE_SIZE:
        _CHUNK_WORDS.clear()
    _CHUNK_WORDS[chunk] = read
    return read


def _has_drawn_sign(text: str) -> bool:
    """Tell whether a sign stands inside a word or draws a letter, looking only around signs.

    A plain class of signs is found at C speed; the test of the letters around one (which needs
    look-behinds, slow over a whole text) runs on a few characters around each sign found.
    """
    if _MAY_HINT.search(text) is None:
        return False
    for match in _SIGN.finditer(text):
        if _DISGUISE_HINT.search(text, max(0, match.start() - 2), match.end() + 6):
            return True
    return False


def _undraw(chunk: str) -> list[str | None]:
    """Read a drawn word twice: signs as their likeliest letters, and signs that stand for
    different letters to different writers («@» а or я, «!» и or л, «|/|» и or у) as masks."""
    read = []
    for ambiguous_as_masks in (False, True):
        word = chunk
        if ambiguous_as_masks:
            for sign in _AMBIGUOUS_SIGNS:
                word = word.replace(sign, "*")
        for drawn, letter in _DRAWN:
            if drawn in word:
                word = word.replace(drawn, letter)
        word = _GAP.sub(_GAP_MASK, word.strip(_EDGES)).translate(_SIGN_LETTERS)
        word = deobfuscate(word)
        read.append(word if _CANDIDATE.match(word) and _HAS_CYRILLIC.search(word) else None)
    return read


def _unlatin(chunk: str) -> str | None:
    """Read a Latin word with signs or Cyrillic twins in it: «sh1t», «fuсking», «dumb@ss»."""
    word = _STRETCHED.sub(r"\1", chunk.strip(_LATIN_EDGES).translate(LATIN_LOOKALIKES))
    return word if _LATIN_CANDIDATE.match(word) else None


def _words_of(chunk: str) -> set[str]:
    return {deobfuscate(word) for word in _WORD.findall(chunk)}


def is_sentence_start(text: str, position: int) -> bool:
    """Tell whether only spaces or quotes stand between a sentence's end and `position`."""
    i = position - 1
    while i >= 0 and text[i] in ' \t"«“„(-—–':
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def next_char(text: str, position: int) -> str:
    """Return the first character after `position` that is not a space ('' at the end)."""
    n = len(text)
    while position < n and text[position] in " \t":
        position += 1
    return text[position] if position < n else ""


def prev_char(text: str, position: int) -> str:
    """Return the last character before `position` that is not a space ('' at the start)."""
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    return text[position - 1] if position > 0 else ""
