"""The schema of `agency.toml`: the agency's own facts and policy, as frozen pydantic models.

One schema for every platform: clients with aliases, chats (platform, id, kind, client), staff
with their Telegram and Slack ids, Telegram Business counterparts, the compliance channel, the
policy, working hours and the agency's own rules. Every table is optional: a file with only
`[[clients]]` (the corpora's format) is valid, and the defaults are what a compliance lead would
pick. Reading the file, and the checks that span tables, are `bot.domain.config`'s.
"""

from __future__ import annotations

from datetime import date as clock_date
from datetime import time as clock_time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from bot.domain.models import Platform
from rules import ChatKind, Client, Label, OwnRules

# Telegram ids are numbers in TOML; every id is text inside kodeks (Slack's are strings).
TextId = Annotated[
    str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v), Field(min_length=1)
]


class ClientConfig(BaseModel):
    """A client of the agency and the other names it goes by."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    # The client asked to be addressed «на ты» (and by a short name): the «ты» rules leave its
    # chats alone; careless or dismissive replies still count.
    informal: bool = False

    @field_validator("name", "aliases")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        values = (value,) if isinstance(value, str) else value
        if any(not v.strip() for v in values):
            msg = "names and aliases must not be blank"
            raise ValueError(msg)
        return value

    def to_client(self) -> Client:
        """Return the checker's view of this client."""
        return Client(self.name, self.aliases, self.informal)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChatConfig(_Strict):
    """A chat the bot watches: a client's chat (and whose) or an internal one."""

    platform: Platform
    id: TextId
    kind: ChatKind
    client: str | None = None
    responsible: str | None = None  # a staff name: who answers the client here
    sla_minutes: int | None = Field(default=None, ge=1)  # working minutes; else policy's


class StaffConfig(_Strict):
    """An employee, with the ids each platform knows them by."""

    name: str = Field(min_length=1)
    telegram_id: TextId | None = None
    slack_id: str | None = None
    admin: bool = False


class CounterpartConfig(_Strict):
    """A Telegram user an employee talks to through Telegram Business, and their client."""

    telegram_id: TextId
    client: str


class ComplianceConfig(_Strict):
    """Where escalations go: a chat per platform; empty means the admins, privately."""

    telegram_chat: TextId | None = None
    slack_channel: str | None = None
    include_text: bool = False  # escalations carry ids and clauses, not the words, by default


ALL_LABELS = tuple(Label)


class PolicyConfig(_Strict):
    """What the bot does with findings: where clauses apply, windows and the escalation ladder."""

    client_chat_labels: tuple[Label, ...] = ALL_LABELS
    # The code speaks of clients: among colleagues only rudeness and condescension about a
    # client count, and мат that is not about a client is left alone unless switched on.
    internal_chat_labels: tuple[Label, ...] = (Label.RUDENESS, Label.CONDESCENSION)
    internal_mat_about_anyone: bool = False
    nudge_window_minutes: int = Field(default=60, ge=0)
    count_window_days: int = Field(default=30, ge=1)
    reminder_from: int = Field(default=2, ge=1)
    escalate_from: int = Field(default=5, ge=1)
    exempt_users: tuple[str, ...] = ()  # "telegram:123", "slack:U123"
    silent_chats: tuple[str, ...] = ()  # "telegram:-100123", "slack:C123"
    # One Literal, not ChatKind | "ignore": a wrong value then gets one error listing all three.
    unknown_chat: Literal["client", "internal", "ignore"] = "client"
    check_per_minute: int = Field(default=20, ge=1)
    keep_days: int = Field(default=90, ge=1)  # audit trail retention
    # Attentiveness: a client's question unanswered this many working minutes nudges the
    # responsible employee; twice as long, and the compliance channel hears of it.
    attentiveness: bool = True
    sla_minutes: int = Field(default=60, ge=1)


class WorkingHoursConfig(_Strict):
    """When the agency works: time zone, days and hours, the production calendar, and the
    agency's own days off and working days on top of it."""

    timezone: str = "Europe/Moscow"
    days: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO weekdays, Monday = 1
    start: clock_time = clock_time(10, 0)
    end: clock_time = clock_time(19, 0)
    # A country's public holidays and moved working days, from the `holidays` package; "" for
    # none (only `days`, `holidays` and `workdays` then).
    calendar: str = "RU"
    holidays: tuple[str, ...] = ()  # ISO dates: the agency's own days off
    workdays: tuple[str, ...] = ()  # ISO dates: worked although the calendar says not

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(d < 1 or d > 7 for d in value):
            msg = "days are ISO weekdays, 1 (Monday) to 7 (Sunday), at least one"
            raise ValueError(msg)
        return value

    @field_validator("holidays", "workdays")
    @classmethod
    def _dates(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for day in value:
            try:
                clock_date.fromisoformat(day)
            except ValueError:
                msg = f"'{day}' is not an ISO date such as '2026-12-31'"
                raise ValueError(msg) from None
        return value

    @field_validator("calendar")
    @classmethod
    def _known_calendar(cls, value: str) -> str:
        import holidays  # noqa: PLC0415 - a hundred modules: only for an agency.toml that names one

        if value and value.upper() not in holidays.list_supported_countries():
            msg = f"no production calendar for '{value}'; use a country code such as 'RU', or ''"
            raise ValueError(msg)
        return value.upper()

    @model_validator(mode="after")
    def _start_before_end(self) -> WorkingHoursConfig:
        if self.end <= self.start:
            msg = f"working hours end ({self.end}) must come after they start ({self.start})"
            raise ValueError(msg)
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"unknown time zone '{value}'; use an IANA name such as 'Europe/Moscow'"
            raise ValueError(msg) from None
        return value


class RulesConfig(_Strict):
    """The agency's own rules: a folder of rule files and the shipped rules switched off.

    `folder` is relative to agency.toml (`load_config` resolves it); the files are in the format of
    the shipped `rules/data` (docs/rules.md).
    """

    folder: Path | None = None
    off: tuple[str, ...] = ()  # ids of shipped rules, e.g. "fam-ty-address"

    def to_own(self) -> OwnRules | None:
        """Return what the checker adds and leaves out; None when the agency keeps the shipped."""
        if self.folder is None and not self.off:
            return None
        return OwnRules(self.folder, self.off)


class AgencyConfig(BaseModel):
    """Everything `agency.toml` holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clients: tuple[ClientConfig, ...] = ()
    chats: tuple[ChatConfig, ...] = ()
    staff: tuple[StaffConfig, ...] = ()
    business_counterparts: tuple[CounterpartConfig, ...] = ()
    compliance: ComplianceConfig = ComplianceConfig()
    policy: PolicyConfig = PolicyConfig()
    working_hours: WorkingHoursConfig = WorkingHoursConfig()
    rules: RulesConfig = RulesConfig()

    def registry(self) -> tuple[Client, ...]:
        """Return the client registry for the checker."""
        return tuple(c.to_client() for c in self.clients)

    def staff_name(self, platform: str, user_id: str) -> str | None:
        """The agency's name for a staff member, by their id on a platform."""
        for member in self.staff:
            if user_id == (member.telegram_id if platform == "telegram" else member.slack_id):
                return member.name
        return None

    def client_named(self, name: str) -> ClientConfig | None:
        """Find a client by its name or any alias, ignoring case."""
        wanted = name.casefold()
        for client in self.clients:
            if wanted in (n.casefold() for n in (client.name, *client.aliases)):
                return client
        return None
