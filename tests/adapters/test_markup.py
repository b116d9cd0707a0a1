"""Escalations' markup per platform: mentions as the platform writes them, the rest escaped."""

from __future__ import annotations

from adapters.slack.ports import SlackMarkup
from adapters.telegram.ports import TelegramMarkup
from bot.domain.ports import PlainMarkup
from bot.texts import load_texts

TEXTS = load_texts()
WORDS = {"platform": "x", "count": 3, "clause": 6, "title": "A <b> & c", "days": 30}


def test_telegram_links_a_person_by_name_and_escapes_html() -> None:
    markup = TelegramMarkup()
    assert markup.person("1002", "Борис <Б> & Co") == (
        '<a href="tg://user?id=1002">Борис &lt;Б&gt; &amp; Co</a>'
    )
    assert markup.person("1002", None) == '<a href="tg://user?id=1002">1002</a>'
    assert markup.person('1"><script>', None) == '1"&gt;&lt;script&gt;'  # no link from a non-id
    assert markup.chat("-100", "Ромашка & Co") == "<b>Ромашка &amp; Co</b> (<code>-100</code>)"
    assert markup.chat("-100", None) == "<code>-100</code>"


def test_slack_mentions_people_and_channels_by_id() -> None:
    markup = SlackMarkup("en")
    assert markup.person("U01ANNA", "Анна") == "<@U01ANNA>"
    assert markup.chat("C01ROM", "ignored") == "<#C01ROM>"
    assert markup.person("<!channel>", None) == "&lt;!channel&gt;"  # never a broadcast
    assert markup.escape("a < b & c") == "a &lt; b &amp; c"


def test_an_escalation_keeps_its_mentions_and_escapes_the_rest() -> None:
    markup = TelegramMarkup()
    marked = {"user": markup.person("7", "Анна"), "chat": markup.chat("-1", "Чат")}
    text = TEXTS.render_marked("ru", "escalation", markup.escape, marked, **WORDS)
    assert text.startswith('Эскалация по кодексу: сотрудник <a href="tg://user?id=7">Анна</a> (x)')
    assert "получил 3 замечания по п. 6 «A &lt;b&gt; &amp; c» за 30 дней" in text
    assert text.endswith("Последнее — в чате <b>Чат</b> (<code>-1</code>).")


def test_plain_markup_names_and_ids_without_escaping() -> None:
    markup = PlainMarkup()
    marked = {"user": markup.person("7", "Анна"), "chat": markup.chat("-1", None)}
    text = TEXTS.render_marked("en", "escalation", markup.escape, marked, **WORDS)
    assert "escalation: Анна (7) (x) has 3 warnings under clause 6 (A <b> & c)" in text
    assert text.endswith("The latest in chat -1.")
