"""The report's two languages: the same words in each, every reason the code counts translated,
and `--lang en` writing an English page (the browser test checks what the page then shows)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.cli.main import main
from bot.audit.report import LANGUAGES, load_words
from bot.audit.tally import SCAN_REASONS
from bot.domain.exports import READ_NOTES, READ_REASONS
from bot.domain.policy import CHEAP_EXITS, OUT_OF_SCOPE
from tests.support import EXAMPLES

EVERY_REASON = (*(r for r, _ in CHEAP_EXITS), OUT_OF_SCOPE, *SCAN_REASONS, *READ_REASONS,
                *READ_NOTES)  # fmt: skip
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _shape(words: dict[str, object]) -> set[str]:
    return {
        f"{key}.{inner}" if isinstance(value, dict) else key
        for key, value in words.items()
        for inner in (value if isinstance(value, dict) else [None])
        if key != "clause_titles"
    }


def test_both_languages_have_the_same_words() -> None:
    assert _shape(load_words("ru")) == _shape(load_words("en"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("reason", EVERY_REASON)
def test_every_reason_not_judged_is_translated(lang: str, reason: str) -> None:
    assert load_words(lang)["reasons"].get(reason)


def test_the_english_words_are_english() -> None:
    words = load_words("en")
    flat = [v for v in words.values() if isinstance(v, str)]
    flat += [v for table in words.values() if isinstance(table, dict) for v in table.values()]
    assert flat and not [text for text in flat if CYRILLIC.search(str(text))]
    assert set(words["clause_titles"]) == {str(n) for n in range(1, 12)}


def test_an_unknown_language_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["scan", str(EXAMPLES / "telegram"), "--lang", "de"])
    assert exit_.value.code == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err


def test_lang_en_writes_an_english_page(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code = main(["scan", str(EXAMPLES / "telegram"), "--config", str(EXAMPLES / "agency.toml"),
                 "--out", str(out), "--lang", "en"])  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert code == 0
    assert '<html lang="en">' in page and "<title>Kodeks: chat audit</title>" in page
    assert '"title": "No rudeness"' in page and '"lang": "en"' in page


def test_the_default_page_is_russian(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["scan", str(EXAMPLES / "telegram"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and '"title": "Без грубости"' in page
