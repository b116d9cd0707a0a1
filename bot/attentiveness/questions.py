"""Does a client's message ask for an answer? A question mark, an interrogative, or a request.

Pure and cheap: a few word sets and, for Russian imperatives («пришлите», «уточните»), the
checker's cached `Morph`. It errs towards «yes» on a request: a reminder that was not needed
costs a glance, an unanswered client costs the account. Thanks and acknowledgements
(«спасибо, понял», «ok, got it») need no answer unless they also ask something.
"""

from __future__ import annotations

import re

from rules.morph import Morph


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[a-zа-яё']+", re.IGNORECASE)
_SENTENCE = re.compile(r"[.!…;\n]+")

# Words that open a question when they open a sentence. «Как» is left to phrases: «как
# договаривались» asks nothing.
_RU_OPENERS = _words(
    "кто что где когда куда откуда почему зачем отчего сколько какой какая какое какие "
    "каких каким какую который которая которое которые чей чья чье чьи разве неужели ли "
    "можно нельзя можете сможете могли могу можем"
)
# Requests and questions wherever they stand in the message.
_RU_ANYWHERE = _words(
    "подскажите скажите уточните сообщите напомните объясните поясните расскажите пришлите "
    "пришли вышлите отправьте скиньте дайте помогите проверьте посмотрите ответьте "
    "перезвоните позвоните свяжитесь согласуйте пожалуйста нужно"
)
_RU_PHRASES = (
    "когда будет", "есть ли", "будет ли", "можно ли", "не могли бы", "дайте знать", "как там",
    "как дела", "как успехи", "как продвигается", "как быть", "как нам", "как мне",
)  # fmt: skip
# Discourse imperatives that ask for nothing: «смотрите, всё готово», «представьте себе».
_RU_NOT_REQUESTS = _words("смотрите слушайте представьте извините простите знаете")
_EN_OPENERS = _words(
    "what when where who whom whose why how which can could would will is are was were do "
    "does did should shall may might"
)
_EN_PHRASES = (
    "can you", "could you", "would you", "will you", "please", "let me know", "let us know",
    "i need", "we need", "i wonder", "any update", "any news",
)  # fmt: skip


def is_question(text: str, morph: Morph | None = None) -> bool:
    """Tell whether a client's message asks something that staff should answer."""
    text = _URL.sub(" ", text).casefold().replace("ё", "е")
    if "?" in text:
        return True
    padded = f" {' '.join(_WORD.findall(text))} "
    if any(f" {p} " in padded for p in (*_RU_PHRASES, *_EN_PHRASES)):
        return True
    for sentence in _SENTENCE.split(text):
        words = _WORD.findall(sentence)
        if words and (words[0] in _RU_OPENERS or words[0] in _EN_OPENERS):
            return True
    words = _WORD.findall(text)
    if any(w in _RU_ANYWHERE for w in words) or " ли " in padded:
        return True
    return morph is not None and any(_is_request(w, morph) for w in words)


def _is_request(word: str, morph: Morph) -> bool:
    """A polite imperative («уточните», «согласуйте») asks the agency to act, hence to answer."""
    if word in _RU_NOT_REQUESTS or not word.endswith(("те", "тесь")):
        return False
    return any({"impr", "plur"} <= grammemes for _, grammemes, _ in morph.parse(word))
