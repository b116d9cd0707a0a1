"""Which sense a word has: a client's name, a word said of oneself, a letter of a disguise."""

from __future__ import annotations

import pytest

from rules import ChatKind, CheckContext, Client, Label, build_checker
from rules.engine import Checker


@pytest.fixture(scope="module")
def checker() -> Checker:
    return build_checker(
        [Client("Тюлень", ("тюлень", "Tyulen")), Client("Ромашка", ("ромашка",))], learned=False
    )


def labels(checker: Checker, text: str, chat: ChatKind = ChatKind.CLIENT) -> set[Label]:
    client = "Ромашка" if chat is ChatKind.CLIENT else None
    return {f.label for f in checker.check(text, CheckContext(chat, client))}


@pytest.mark.parametrize(
    "text",
    [
        "Тюлень опять прислал правки, посмотрите",
        "тюлень просит перенести созвон",
        "эти тюлени опять всё перепутали",
    ],
)
def test_a_client_named_like_an_animal_is_no_insult_but_the_animal_still_is(
    checker: Checker, text: str
) -> None:
    found = Label.RUDENESS in labels(checker, text, ChatKind.INTERNAL)
    assert found is text.startswith("эти"), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("проверьте тексты для Элементарно на опечатки", set()),
        ("это элементарно, разберётесь", {Label.CONDESCENSION}),
        ("Стоматология Дуракова прислала правки", set()),
        ("а у Элементарно бюджет 2 млн на квартал", {Label.CONFIDENTIALITY}),
    ],
)
def test_a_client_s_name_breaks_no_clause_whatever_its_words_say(
    checker: Checker, text: str, expected: set[Label]
) -> None:
    clients = [Client("Элементарно"), Client("Стоматология Дуракова", ("Дуракова",))]
    named = checker.with_clients([*clients, Client("Ромашка")])
    assert labels(named, text) == expected


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("Хреновы прислали правки к этикетке", False),  # the family name, inflected
        ("созвон с Хреновыми перенесли на среду", False),
        ("хреновы довольны роликом", False),  # the registry writes it in lower case
        ("с хреновым ок, ждём оплату", False),
        ("какой-то хреновый ролик вышел, переделаем", True),  # the adjective is no name form
    ],
)
def test_a_client_named_like_a_surname_inflects_like_one(
    checker: Checker, text: str, rude: bool
) -> None:
    named = checker.with_clients([Client("Хренов Агро", ("Хренов", "хренов"))])
    assert (Label.RUDENESS in labels(named, text, ChatKind.INTERNAL)) is rude


def test_a_surname_in_lower_case_needs_the_registry_to_write_it_so(checker: Checker) -> None:
    capitalised = checker.with_clients([Client("Хренов Агро", ("Хренов",))])
    assert Label.RUDENESS in labels(capitalised, "хреновы опять прислали", ChatKind.INTERNAL)
    berry = checker.with_clients([Client("Калина", ("калина",))])
    assert not berry.speaks_of_client("калина в составе соуса")


@pytest.mark.parametrize(
    ("client", "text", "familiar"),
    [
        ("Тёплый дом", "Кать, глянь макет, как тебе?", False),
        ("Тёплый дом", "Катюш, отличная идея!", False),
        ("Тёплый дом", "пофиг, какую обложку возьмёте", True),  # careless all the same
        ("Норма", "Кать, глянь макет, как тебе?", True),
        ("Норма", "Катюш, отличная идея!", True),
        ("Норма", "Николай, как договорились, на «ты»: глянь ролик", False),  # agreed on
        ("Норма", "Николай, глянь ролик, на тебя вся надежда", True),
        ("Норма", "Слушай, давай на ты, так проще", True),  # a proposal is the writer's own «ты»
        ("Норма", "Николай, мы не договаривались на «ты», глянь ролик", True),
    ],
)
def test_a_client_who_asked_for_ty_is_addressed_so_but_not_carelessly(
    checker: Checker, client: str, text: str, familiar: bool
) -> None:
    registry = checker.with_clients([Client("Тёплый дом", informal=True), Client("Норма")])
    found = {f.label for f in registry.check(text, CheckContext(ChatKind.CLIENT, client))}
    assert (Label.FAMILIARITY in found) is familiar


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("Признаюсь, в юридических тонкостях я полный дилетант", False),
        ("I'm such an idiot, I attached the old file", False),
        ("я был полным дураком, что не проверил", False),
        ("ты дилетант, а не дизайнер", True),
        ("я этого дурака больше не пущу на съёмку", True),
        ("и не пиши мне, старый идиот", True),
    ],
)
def test_an_insult_said_of_oneself_insults_no_one(checker: Checker, text: str, rude: bool) -> None:
    assert (Label.RUDENESS in labels(checker, text)) is rude


def test_a_letter_of_a_spread_disguise_is_not_read_on_its_own(checker: Checker) -> None:
    findings = checker.check("Kirill, f u c k, I forgot the call, sorry", CheckContext())
    assert [f.label for f in findings] == [Label.RUDENESS]
    assert findings[0].excerpt.startswith("f u c k")


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("for the kids' party we booked a clown and a face painter", False),
        ("the procurement guy is a greedy pig", True),
        ("you're such clowns", True),
        ("Re-sharing the link here so it doesn't get lost in the thread", False),
        ("just get lost", True),
    ],
)
def test_english_needs_a_link_verb_or_an_order(checker: Checker, text: str, rude: bool) -> None:
    assert (Label.RUDENESS in labels(checker, text)) is rude


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("мы в декабре работаем со свиньями, котами, обезьянами и ослом", False),
        ("Юля просит на упаковке с курицей сделать курицу крупнее", False),
        ("она хочет линейку для сельской скотины к весне", False),
        ("вы там все олени?", True),
        ("они оказались баранами, каких поискать", True),
        ("вы, бараны, опять всё перепутали", True),
        ("они при всех бараны, каких поискать", True),  # «при» governs «всех», not «бараны»
    ],
)
def test_an_animal_in_a_list_or_after_a_preposition_is_spoken_of_not_to(
    checker: Checker, text: str, rude: bool
) -> None:
    assert (Label.RUDENESS in labels(checker, text, ChatKind.INTERNAL)) is rude


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("хамелеон на маскоте? нет, у них свинья, не путай", False),
        ("Лен, ты свинью на иконке видела?", False),
        ("Марина, это уже шестая итерация коровы — давайте зафиксируем правки", False),
        ("предлагаем конкурс на самого красивого петуха", False),
        ("этого старого козла я больше не позову", True),
        ("это надо быть дятлом, чтобы так сверстать письмо", True),
    ],
)
def test_a_pointer_must_point_at_the_animal_as_at_a_person(
    checker: Checker, text: str, rude: bool
) -> None:
    assert (Label.RUDENESS in labels(checker, text, ChatKind.INTERNAL)) is rude


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("Hi Dick, do you have 10 minutes today for a quick call?", False),
        ("let's tell Dick politely that scope creep costs extra", False),
        ("don't be a dick", True),
        ("the labrador litter shoot is Tuesday, is the bitch fine with strangers?", False),
        ("what a bitch", True),
    ],
)
def test_an_english_name_or_a_dog_is_no_swearing(checker: Checker, text: str, rude: bool) -> None:
    assert (Label.RUDENESS in labels(checker, text)) is rude


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("Козлов — козёл, третий раз меняет цвет крышки", True),
        ("Радж — дятел, у него всё протухает", True),
        ("ваш упаковщик упырь какой-то, третий раз путает крышки", True),
        ("вы там в администрации совсем олени?", True),
        ("Марина, корова на упаковке кефира смотрит влево", False),
        ("Баранов купил барана на ферме", False),
        ("водитель сбил оленя на трассе", False),
    ],
)
def test_a_name_or_a_trade_is_a_person_the_animal_is_said_of(
    checker: Checker, text: str, rude: bool
) -> None:
    assert (Label.RUDENESS in labels(checker, text, ChatKind.INTERNAL)) is rude


@pytest.mark.parametrize(
    ("text", "condescending"),
    [
        ("Как я уже писал, бюджет согласован, дублирую письмо, чтобы было под рукой", False),
        ("As I mentioned, the cap is $5k — here's the breakdown so it's all in one place", False),
        ("Простите, что объясняю так подробно — хочу, чтобы у вас был полный контекст", False),
        ("Как я уже писал, бюджет согласован", True),
        ("As I mentioned, the cap is $5k", True),
    ],
)
def test_restating_for_the_client_s_convenience_takes_the_sting_out(
    checker: Checker, text: str, condescending: bool
) -> None:
    assert (Label.CONDESCENSION in labels(checker, text)) is condescending


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("я сегодня тормоз, третий раз открываю не тот файл", False),
        ("ugh, I'm the muppet who scheduled two calls at 3pm", False),
        ("Вашему Олегу я лично морду набью за такие письма", True),  # no confession: a threat
        ("ты сегодня тормоз", True),
    ],
)
def test_an_animal_or_a_thing_said_of_oneself_insults_no_one(
    checker: Checker, text: str, rude: bool
) -> None:
    assert (Label.RUDENESS in labels(checker, text, ChatKind.INTERNAL)) is rude
