"""Write a seeded Telegram Desktop account export for timing `kodeks scan` (and for tests).

    python scripts/make_telegram_export.py OUT.json [--messages 100000] [--seed 7]

The same seed gives the same file byte for byte. It has several chats (client supergroups, an
internal one, a basic group, a Business-like personal chat), a dozen authors, texts as strings
and as entity lists, service messages, forwards and media with captions. Texts are put together
from several sources of our own (business phrases, a word pool with inflections, numbers, dates,
links, English, emoji, and now and then a breach of the code), shuffled and numbered, so nearly
every text is new and no cache flatters the timing.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

PHRASES = (
    "Добрый день", "Коллеги, привет", "Здравствуйте", "Спасибо за обратную связь",
    "Согласовали макет баннера", "Отправили смету на утверждение", "Посмотрите, пожалуйста",
    "Ждём правки до пятницы", "Созвон переносится на завтра", "Бриф получили",
    "Подготовим медиаплан к понедельнику", "Охваты выросли на", "Запустили кампанию в",
    "Нужно обновить креативы", "Клиент просит перенести дедлайн", "Отчёт за неделю во вложении",
    "Проверьте, пожалуйста, тексты постов", "Готовим презентацию для встречи",
    "Утвердили бюджет на квартал", "Дизайнер уже в работе", "Вернёмся с ответом к обеду",
    "По договору всё в порядке", "Счёт выставили", "Давайте обсудим на созвоне",
)  # fmt: skip
WORDS = (
    "макет", "макета", "макеты", "смета", "сметы", "баннер", "баннеры", "кампания", "кампании",
    "отчёт", "отчёта", "креатив", "креативы", "пост", "постов", "охват", "охваты", "бюджет",
    "бюджета", "площадка", "площадки", "таргет", "аудитория", "аудитории", "конверсия",
    "лендинг", "лендинга", "сторис", "рилс", "презентация", "договор", "договора", "счёт",
    "акт", "правки", "правок", "дедлайн", "созвон", "встреча", "бренд", "бренда", "логотип",
    "шрифт", "палитра", "слоган", "тизер", "видеоролик", "монтаж", "съёмка", "фотосессия",
    "рассылка", "подписчики", "вовлечённость", "медиаплан", "брифинг", "аналитика", "метрики",
    "воронка", "лид", "лиды", "ретаргетинг", "инфлюенсер", "блогер", "интеграция", "спецпроект",
    "согласовать", "согласовали", "отправить", "отправили", "поправить", "поправили",
    "запустить", "запустили", "проверить", "проверили", "обсудить", "обсудили", "подготовить",
    "подготовили", "утвердить", "утвердили", "перенести", "перенесли", "обновить", "обновили",
    "срочно", "завтра", "сегодня", "вчера", "к пятнице", "на неделе", "в четверг", "утром",
    "новый", "новая", "новые", "первый", "второй", "финальный", "черновой", "большой", "яркий",
)  # fmt: skip
ENGLISH = (
    "please check the deck", "CTR is up", "the KPI dashboard", "ASAP", "final_v3.pdf",
    "see the brief", "approved", "A/B test", "sync tomorrow", "thanks!",
)  # fmt: skip
EMOJI = ("👍", "🙏", "🔥", "✅", "😊", "📎", "🚀", "👀")
# Breaches of the code, for the findings to count (a small share of the texts).
BREACHES = (
    "ты чё, тупой?", "скинь бриф", "бл*ть, опять", "это же элементарно", "даже ребёнок поймёт",
    "привет, зай", "ВЫ ОПЯТЬ ВСЁ СЛОМАЛИ", "клиент опять тупит", "идиоты полные", "задолбали",
    "давай на ты", "you are an idiot", "у Лисичкина бюджет 3 млн",
)  # fmt: skip
AUTHORS = {
    111111111: "Анна Смирнова", 222222222: "Борис Петров", 555555555: "Вера Кузнецова",
    666666666: "Глеб Орлов", 777777777: "Дина Белова", 888888888: "Егор Зайцев",
    444444444: "Ольга (Ромашка)", 999999999: "Павел (Ромашка)", 333333333: "Игорь Лисичкин",
    121212121: "Мария (Колос)", 131313131: "Никита (Колос)", 141414141: "Софья (Берёзка)",
}  # fmt: skip
STAFF = (111111111, 222222222, 555555555, 666666666, 777777777, 888888888)
# (name, type, id, share of messages, authors)
CHATS = (
    ("Ромашка × Агентство", "private_supergroup", 1987654321, 0.30,
     (*STAFF[:4], 444444444, 999999999)),
    ("Команда", "private_supergroup", 1555000111, 0.25, STAFF),
    ("Колос: продвижение", "private_supergroup", 1777000222, 0.20,
     (*STAFF[2:], 121212121, 131313131)),
    ("Берёзка, рабочая группа", "private_group", 4500300, 0.15, (*STAFF[::2], 141414141)),
    ("Игорь Лисичкин", "personal_chat", 333333333, 0.10, (111111111, 333333333)),
)  # fmt: skip


def text_of(rng: random.Random, serial: int) -> str:
    """Put one text together from the sources."""
    parts = [rng.choice(PHRASES)]
    parts.extend(rng.choice(WORDS) for _ in range(rng.randint(2, 14)))
    roll = rng.random()
    if roll < 0.25:
        parts.append(f"{rng.randint(1, 999)} {rng.choice(('тыс.', 'шт.', '%', 'руб.'))}")
    elif roll < 0.35:
        parts.append(rng.choice(ENGLISH))
    elif roll < 0.42:
        parts.append(f"https://drive.example/{serial:x}")
    if rng.random() < 0.08:
        parts.insert(rng.randint(0, len(parts)), rng.choice(BREACHES))
    if rng.random() < 0.15:
        parts.append(rng.choice(EMOJI))
    head, *tail = parts
    rng.shuffle(tail)
    return f"{head}, {' '.join(tail)} (#{serial})"


def as_entities(rng: random.Random, text: str) -> list[Any]:
    """Split a text the way Telegram Desktop writes formatted ones."""
    words = text.split(" ")
    cut = rng.randint(1, max(1, len(words) - 1))
    kind = rng.choice(("bold", "italic", "code", "underline"))
    return [" ".join(words[:cut]) + " ", {"type": kind, "text": " ".join(words[cut:])}]


def message(rng: random.Random, serial: int, when: datetime, authors: tuple[int, ...]) -> Any:
    """Return one exported message."""
    author = rng.choice(authors)
    base = {
        "id": serial,
        "type": "message",
        "date": when.replace(tzinfo=None).isoformat(timespec="seconds"),
        "date_unixtime": str(int(when.timestamp())),
    }
    roll = rng.random()
    if roll < 0.03:  # a service message: someone joined, pinned, changed the title
        action = rng.choice(("invite_members", "pin_message", "edit_group_title"))
        return base | {"type": "service", "actor": AUTHORS[author],
                       "actor_id": f"user{author}", "action": action, "text": ""}  # fmt: skip
    base |= {"from": AUTHORS[author], "from_id": f"user{author}"}
    text: Any = text_of(rng, serial)
    if roll < 0.08:
        base["forwarded_from"] = rng.choice(("Рекламная сеть", "Новости маркетинга"))
    elif roll < 0.13:
        base |= {"photo": f"photos/photo_{serial}.jpg", "width": 1280, "height": 720}
    elif roll < 0.33:
        text = as_entities(rng, text)
    if rng.random() < 0.1:
        base["reply_to_message_id"] = max(1, serial - rng.randint(1, 50))
    return base | {"text": text}


def write_export(out: TextIO, messages: int, seed: int) -> None:
    """Write the whole export, one message at a time."""
    rng = random.Random(seed)
    out.write('{\n "about": "Generated for kodeks scan timing.",\n')
    out.write(' "personal_information": {"user_id": 111111111, "first_name": "Анна"},\n')
    out.write(' "chats": {\n  "about": "",\n  "list": [\n')
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    serial = 0
    for index, (name, kind, chat_id, share, authors) in enumerate(CHATS):
        count = messages - serial if index == len(CHATS) - 1 else int(messages * share)
        header = json.dumps({"name": name, "type": kind, "id": chat_id}, ensure_ascii=False)
        out.write(("   " if index == 0 else ",\n   ") + header[:-1] + ', "messages": [\n')
        when = start
        for number in range(count):
            when += timedelta(seconds=rng.randint(30, 2400))
            serial += 1
            item = json.dumps(message(rng, serial, when, authors), ensure_ascii=False)
            out.write(("    " if number == 0 else ",\n    ") + item)
        out.write("\n   ]}")
    out.write('\n  ]\n },\n "left_chats": {"about": "", "list": []}\n}\n')


def main() -> None:
    """Parse the arguments and write the export."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        write_export(out, args.messages, args.seed)


if __name__ == "__main__":
    main()
