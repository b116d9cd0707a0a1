"""Write the benchmark corpus that ships with kodeks (`bot/measure/bench_corpus/`), from a seed.

The messages are made up here from fragments of ordinary agency chat, Russian and English, with a
share of breaches of every kind, so `kodeks bench` runs anywhere without outside data.
Run: python scripts/make_bench_corpus.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 20261126
COUNT = 5000
OUT = Path(__file__).resolve().parent.parent / "bot" / "measure" / "bench_corpus"

CLIENTS = {
    "Ромашка": ["ТМ «Ромашка»", "Romashka"],
    "Берёзка Групп": ["Берёзка", "Berezka"],
    "Лисичкин": ["ГК «Лисичкин»", "Lisichkin"],
    "Ласточка": ["авиакомпания «Ласточка»", "Lastochka"],
    "Колос": ["пекарни «Колос»", "Kolos"],
}
OPENERS = [
    "Добрый день!",
    "Здравствуйте.",
    "Коллеги,",
    "Анна,",
    "Михаил Петрович,",
    "Доброе утро!",
    "",
]
THINGS = [
    "макет баннера",
    "медиаплан на ноябрь",
    "отчёт по охватам",
    "фид товаров",
    "сценарий ролика",
    "контент-план",
    "лендинг акции",
    "пресс-релиз",
    "смету на съёмку",
    "раскадровку",
    "бриф",
    "презентацию для совета директоров",
    "тексты для рассылки",
    "подборку блогеров",
    "креативы",
    "визуалы для сторис",
    "упаковку нового вкуса",
    "стратегию продвижения",
    "гайдлайн бренда",
    "аналитику по конкурентам",
    "ответы на отзывы",
    "план публикаций",
    "тизер",
    "анкету опроса",
]
DONE = ["отправили", "подготовили", "обновили", "доработали", "сверили", "выложили", "собрали"]
WILL = ["согласуем", "пришлём", "проверим", "доработаем", "перенесём", "уточним", "обсудим"]
WHEN = [
    "до пятницы",
    "сегодня к 18:00",
    "завтра утром",
    "на следующей неделе",
    "до конца месяца",
    "в понедельник",
    "после созвона",
    "к обеду",
    "до 15 числа",
]
CLOSINGS = ["Спасибо!", "Посмотрите, пожалуйста.", "Ждём обратной связи.", "", "Хорошего дня!"]
ENGLISH = [  # a few staff messages in English, as Slack Connect chats have them
    "The {thing} is ready for review, see the link in the thread.",
    "We moved the shoot to {day}, hope that works for you.",
    "Thanks, we'll update the {thing} by {day}.", "Could you share the brand assets before {day}?",
    "CTR grew by {n}% after we changed the offer.",
]  # fmt: skip
THINGS_EN = ["landing page", "media plan", "banner set", "content plan", "press kit", "feed"]
DAYS_EN = ["Monday", "Tuesday", "Friday", "the end of the week", "next sprint"]
BREACHES = [
    "ты {thing} уже посмотрел?",
    "скинь {thing}, плиз",
    "б**ть, опять {thing} не тот",
    "как я уже писал, {thing} {will} {when}",
    "у {other} бюджет на {thing} {n} млн",
    "бро, {thing} в почте",
    "ЭТО СРОЧНО, {THING} НУЖЕН СЕГОДНЯ",
    "пофиг, {will} как-нибудь",
    "вы идиоты? {thing} же согласовали",
    "объясняю ещё раз: {thing} {will} {when}",
    "у нас тут сокращения, так что {thing} задержится",
    "х.у.й знает, где {thing}",
    "per my last email, the {thing_en} is attached",
    "what the fuck happened to the {thing_en}?",
]


def _business(rng: random.Random) -> str:
    parts = [
        rng.choice(OPENERS),
        f"{rng.choice(THINGS).capitalize()} {rng.choice(DONE)},",
        f"{rng.choice(THINGS)} {rng.choice(WILL)} {rng.choice(WHEN)}.",
        rng.choice(CLOSINGS),
    ]
    return " ".join(p for p in parts if p)


def _message(rng: random.Random, own: str) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.2:
        text = rng.choice(ENGLISH).format(
            thing=rng.choice(THINGS_EN), day=rng.choice(DAYS_EN), n=rng.randint(2, 40)
        )
        return text, "en"
    if roll < 0.35:
        other = rng.choice([c for c in CLIENTS if c != own])
        thing = rng.choice(THINGS)
        text = rng.choice(BREACHES).format(
            thing=thing,
            THING=thing.upper(),
            will=rng.choice(WILL),
            when=rng.choice(WHEN),
            other=other,
            n=rng.randint(1, 90),
            thing_en=rng.choice(THINGS_EN),
        )
        return text, "ru"
    return _business(rng), "ru"


def main() -> None:
    """Write messages.jsonl and agency.toml into the bench corpus folder."""
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    names = list(CLIENTS)
    with (OUT / "messages.jsonl").open("w", encoding="utf-8") as out:
        for n in range(COUNT):
            internal = rng.random() < 0.25
            own = rng.choice(names)
            text, lang = _message(rng, own)
            line = {
                "id": f"b-{n:05d}",
                "text": text,
                "chat": "internal" if internal else "client",
                "client": None if internal else own,
                "lang": lang,
                "expect": [],
                "ambiguous": True,  # made up for timing, not labelled for scoring
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    registry = ["# Made-up clients of the benchmark corpus.", ""]
    for name, aliases in CLIENTS.items():
        quoted = ", ".join(json.dumps(a, ensure_ascii=False) for a in aliases)
        registry += ["[[clients]]", f'name = "{name}"', f"aliases = [{quoted}]", ""]
    (OUT / "agency.toml").write_text("\n".join(registry), encoding="utf-8")


if __name__ == "__main__":
    main()
