"""Shared fixtures: one checker per session (building it loads the dictionaries)."""

from __future__ import annotations

import pytest

from rules import Checker, Client, build_checker

REGISTRY = (
    Client("Ромашка", ("ТМ «Ромашка»", "Romashka")),
    Client("Берёзка Групп", ("Берёзка", "Berezka")),
    Client("Лисичкин", ("ГК «Лисичкин»", "Lisichkin")),
    Client("Ласточка", ("авиакомпания «Ласточка»", "Lastochka", "lastochka.ru")),
    Client("Колос", ("пекарни «Колос»", "КЛС")),
)


@pytest.fixture(scope="session")
def checker() -> Checker:
    """The shipped rules with a small client registry of the tests' own."""
    return build_checker(REGISTRY)
