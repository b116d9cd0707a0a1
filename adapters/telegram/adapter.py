"""The Telegram adapter on aiogram 3: groups, Business chats, private commands; polling or webhook.

Handlers are thin: convert with `adapters.telegram.convert`, hand over to the pipeline or the
commands, send replies privately through `adapters.telegram.ports`. The bot never writes into a
group or a Business chat: every answer goes to the person's private chat with the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tomllib
from importlib import resources

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    CallbackQuery,
    ChatMemberUpdated,
    ErrorEvent,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from adapters.telegram import logs as telegram_logs
from adapters.telegram.convert import (
    GROUP_TYPES,
    extract_check_text,
    extract_feedback_token,
    language_of_user,
    to_chat_join,
    to_incoming,
)
from adapters.telegram.logs import UnreadableUpdates
from adapters.telegram.polling import ScreeningSession, skip_placeholders
from adapters.telegram.ports import (
    TelegramCompliance,
    TelegramNotifier,
    feedback_markup,
    send_private,
)
from adapters.telegram.webhook import serve_webhook
from bot.core import Core
from bot.domain.config import AgencyConfig
from bot.domain.models import Platform, Resolution
from bot.domain.ports import Ports
from bot.ops.settings import Settings, TelegramSettings
from bot.pipeline.commands import CommandCall, Commands, Reply
from bot.pipeline.handle import Pipeline
from bot.pipeline.resolver import Resolver
from rules import ChatKind

log = logging.getLogger("adapters.telegram")
COMMANDS = ("start", "help", "code", "check", "stats", "bind")
_TEXTS: dict[str, dict[str, str]] = tomllib.loads(
    (resources.files("adapters.telegram") / "texts.toml").read_text("utf-8")
)


def say(language: str, key: str, **params: str) -> str:
    """Word one of the adapter's own messages (menu, chat-joined note)."""
    return _TEXTS.get(language, _TEXTS["ru"])[key].strip("\n").format(**params)


class Handlers:
    """The update handlers: convert, hand over, answer privately."""

    def __init__(
        self, pipeline: Pipeline, commands: Commands, resolver: Resolver, config: AgencyConfig
    ) -> None:
        self.pipeline = pipeline
        self.commands = commands
        self.resolver = resolver
        self.config = config
        self.skipped = 0  # updates that were not messages of ours, or could not be read

    async def on_message(self, message: Message, event_update: Update) -> None:
        """Group, Business and edited messages: convert and hand over to the pipeline."""
        incoming = to_incoming(event_update)
        if incoming is None:
            self.skipped += 1
            return
        await self.pipeline.handle(incoming)

    async def on_command(
        self, message: Message, command: CommandObject, bot: Bot, event_update: Update
    ) -> None:
        """Commands, from a private chat or a group: always answered in private.

        In a group a command is a message everyone there read, so it is judged as one first;
        only staff are answered, and told when a client's chat saw it. A client who types a
        command there never hears from the bot, not even privately.
        """
        author = message.from_user
        if author is None:
            return
        group = message.chat.type != ChatType.PRIVATE
        resolution = await self._judge_in_group(event_update) if group else None
        if group and (resolution is None or not resolution.author_is_staff):
            log.info("command from a non-staff member ignored chat=%s", message.chat.id)
            return
        argument = command.args or ""
        if command.command == "check":
            argument = extract_check_text(command.args, message)
        call = CommandCall(
            Platform.TELEGRAM, str(author.id), command.command, argument,
            language_of_user(author.language_code),
            chat_id=str(message.chat.id) if group else None,  # /check knows whose chat it is
            seen_by_client=resolution is not None and resolution.chat_kind is ChatKind.CLIENT,
        )  # fmt: skip
        log.info("command name=%s user=%s chat=%s", command.command, author.id, message.chat.id)
        for reply in await self.commands.run(call):
            await send_private(bot, author.id, reply.text, reply_markup(reply))

    async def _judge_in_group(self, update: Update) -> Resolution | None:
        """Judge a command typed in a group like any message there; say what its chat is."""
        incoming = to_incoming(update)
        if incoming is None:
            return None
        await self.pipeline.handle(incoming)
        return await self.resolver.resolve(incoming)

    async def on_feedback(self, query: CallbackQuery) -> None:
        """The «Это не нарушение» button: record the feedback, answer with a toast."""
        token = extract_feedback_token(query.data)
        if token is None:
            await query.answer()
            return
        reply = await self.commands.feedback(token, language_of_user(query.from_user.language_code))
        await query.answer(reply)

    async def on_my_chat_member(self, event: ChatMemberUpdated, bot: Bot) -> None:
        """Added to a group the config does not know: tell the admins privately."""
        join = to_chat_join(event)
        if join is None or await self.resolver.is_known_chat(Platform.TELEGRAM, join.chat_id):
            return
        log.info("added to unknown chat=%s by user=%s", join.chat_id, join.added_by)
        default = str(self.config.policy.unknown_chat)
        text = say("ru", "chat-joined", title=join.title, chat=join.chat_id, default=default)
        for admin in self.config.staff:
            if admin.admin and admin.telegram_id:
                await send_private(bot, int(admin.telegram_id), text)

    async def on_error(self, event: ErrorEvent) -> bool:
        """Log a failed update by id and go on: one bad update never stops the bot."""
        self.skipped += 1
        log.error(
            "update failed update=%s error=%s", event.update.update_id,
            type(event.exception).__name__, exc_info=event.exception,
        )  # fmt: skip
        return True


def reply_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """A held nudge's feedback button, as the nudge would have had it; no button otherwise."""
    if reply.nudge is None or not reply.nudge.token:
        return None
    return feedback_markup(reply.nudge.token, reply.button)


def build_dispatcher(handlers: Handlers) -> Dispatcher:
    """Wire the handlers; commands first (a command in a group is judged by its own handler)."""
    router = Router(name="kodeks")
    in_groups = F.chat.type.in_(GROUP_TYPES)
    router.message.register(
        handlers.on_command, Command(*COMMANDS), F.chat.type.in_(GROUP_TYPES | {ChatType.PRIVATE})
    )
    router.message.register(handlers.on_message, in_groups)
    router.edited_message.register(handlers.on_message, in_groups)
    router.business_message.register(handlers.on_message)
    router.edited_business_message.register(handlers.on_message)
    router.callback_query.register(handlers.on_feedback)  # any button: ours, or answered empty
    router.my_chat_member.register(handlers.on_my_chat_member)
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(skip_placeholders)  # stand-ins for unreadable updates
    dispatcher.include_router(router)
    dispatcher.errors.register(handlers.on_error)
    return dispatcher


def make_bot(settings: TelegramSettings, unreadable: UnreadableUpdates) -> Bot:
    """A Bot on Telegram's API or on the self-hosted server `api_server` names.

    Its session screens each polled update on its own (`adapters/telegram/polling.py`).
    """
    if settings.token is None:
        msg = "KODEKS_TELEGRAM__TOKEN is not set"
        raise RuntimeError(msg)
    api = TelegramAPIServer.from_base(settings.api_server) if settings.api_server else None
    session = ScreeningSession(unreadable, api=api) if api else ScreeningSession(unreadable)
    return Bot(settings.token.get_secret_value(), session=session)


class TelegramAdapter:
    """Telegram for `kodeks run`: ports for the pipeline, and a loop fed by polling or webhook."""

    platform = Platform.TELEGRAM

    def __init__(
        self, settings: TelegramSettings, handlers: Handlers, concurrency: int | None = None
    ) -> None:
        self.settings = settings
        self.concurrency = concurrency  # updates handled at once in polling (None: no limit)
        self.config = handlers.config
        self.unreadable = telegram_logs.install()
        self.bot = make_bot(settings, self.unreadable)
        self.handlers = handlers
        self.dispatcher = build_dispatcher(handlers)
        compliance = TelegramCompliance(self.bot, handlers.config)
        self.ports = Ports(TelegramNotifier(self.bot), compliance)
        self.ready = asyncio.Event()  # set once the bot receives updates (tests wait on it)

    @property
    def malformed(self) -> int:
        """Updates skipped as unreadable: aiogram could not parse them."""
        return self.unreadable.count

    async def run(self) -> None:
        """Check the bot's settings at Telegram, register the menu, then receive until cancelled."""
        try:
            await self.startup()
            updates = self.dispatcher.resolve_used_update_types()
            if self.settings.mode == "webhook":
                await serve_webhook(self.bot, self.dispatcher, self.settings, updates, self.ready)
                return
            await self.bot.delete_webhook(drop_pending_updates=False)  # getUpdates refuses else
            self.ready.set()
            await poll_until_cancelled(self.dispatcher, self.bot, updates, self.concurrency)
        finally:
            await self.bot.session.close()

    async def startup(self) -> None:
        """Warn about privacy mode, and register the private-chat menu in Russian and English."""
        me = await self.bot.get_me()
        log.info("telegram bot id=%s username=%s", me.id, me.username)
        groups = [c for c in self.config.chats if c.platform == Platform.TELEGRAM]
        if groups and not me.can_read_all_group_messages:
            log.error(
                "privacy mode is on: @%s sees only commands and replies in the %s group chats "
                "configured; in @BotFather open /mybots → Bot Settings → Group Privacy → Turn off "
                "(then remove and re-add the bot to each group), or make the bot an admin there",
                me.username, len(groups),
            )  # fmt: skip
        try:
            await self.register_menu()
        except TelegramAPIError as error:  # a menu is a nicety; the bot works without one
            log.warning("setMyCommands failed: %s", type(error).__name__)

    async def register_menu(self) -> None:
        """The command menu, in private chats only: a client in a group sees no menu."""
        scope = BotCommandScopeAllPrivateChats()
        for language in ("ru", "en"):
            menu = [BotCommand(command=c, description=say(language, f"menu-{c}")) for c in COMMANDS]
            await self.bot.set_my_commands(menu, scope=scope, language_code=language)
        default = [BotCommand(command=c, description=say("ru", f"menu-{c}")) for c in COMMANDS]
        await self.bot.set_my_commands(default, scope=scope)


async def poll_until_cancelled(
    dispatcher: Dispatcher, bot: Bot, updates: list[str], concurrency: int | None = None
) -> None:
    """Long polling that stops cleanly when cancelled.

    Cancelling `start_polling` itself leaves aiogram's inner polling task running (it awaits
    `asyncio.wait`, which does not cancel what it waits for), and that task would reopen the
    closed HTTP session; `stop_polling` is aiogram's own graceful way out.
    """
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=updates,
            tasks_concurrency_limit=concurrency,
        )
    )
    try:
        await asyncio.shield(polling)
    except asyncio.CancelledError:
        try:
            await dispatcher.stop_polling()
        except RuntimeError:  # cancelled before polling began
            polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        raise


def build_adapter(settings: Settings, core: Core) -> TelegramAdapter:
    """Build the Telegram adapter for the composition root."""
    handlers = Handlers(core.pipeline, core.commands, core.resolver, core.config)
    return TelegramAdapter(settings.telegram, handlers, settings.concurrency)
