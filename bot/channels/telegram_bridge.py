"""The Telegram bridge (python-telegram-bot v22): Telegram updates in, Rasa replies out.

Text, commands (/start, /help, /privacy, /cancel) and button presses (inline keyboards, callback queries
answered) go to the Rasa server's bridge channel; replies come back as messages with inline keyboards.
A shared contact is accepted as an extra verification factor only if it is the sender's own. Photos,
stickers and other non-text messages get a polite answer; no update type crashes the bridge. Telegram's
rate limits are respected (AIORateLimiter) and network errors are retried. Long polling by default,
webhook mode when PRIVACYBOT_TELEGRAM_WEBHOOK_URL is set (Telegram's secret-token header is checked).

An update that arrives while the Rasa server is down (starting, restarting) is kept and sent again with
backoff for up to PRIVACYBOT_DELIVERY_RETRY_SECONDS (60) after it arrived, then the person is told. Only requests that
certainly never reached the assistant are sent again (:func:`never_reached`), so nothing is answered
twice. Updates of one chat are handled one after another, in order; different chats do not wait for
each other (:class:`ChatOrder`).
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import logging
import random
from collections import OrderedDict
from collections.abc import Awaitable, Hashable
from typing import Any

import httpx
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.bridge import BRIDGE_TOKEN_HEADER
from bot.channels.limits import LANGUAGE_TAG_RE
from bot.settings import Settings

log = logging.getLogger(__name__)
CALLBACK_LIMIT = 64  # bytes Telegram allows in callback_data
# The bridge's own words, per language (a user whose Telegram is set to German gets German).
TEXTS = {
    "en": {
        "privacy": (
            "How this chat handles your data: your messages go to our privacy assistant so it can answer you. "
            "We keep the conversation for 30 days, then delete it. If you file a request, the details you give go "
            "to our Data Protection Officer, who keeps them as long as the law requires. Send /cancel at any time "
            'to drop a request in progress. Ask me "what do you store about this chat?" for more.'
        ),
        "not_text": "Sorry, I can only read text messages. Please type your question or request.",
        "unreachable": (
            "Sorry, the assistant can't be reached right now, so your message was not passed on. "
            "Please send it again in a moment."
        ),
        "failed": "Sorry, something went wrong while answering. Please try again in a moment.",
        "too_long": "Sorry, {error}.",
        "too_fast": "Sorry, {error}.",
        "expired_button": "That button has expired; please type instead.",
        "not_own_contact": "Please share your own phone number with the button, not someone else's contact.",
        "thanks": "Thanks.",
        "share_phone": "📱 Share my phone number",
    },
    "de": {
        "privacy": (
            "So geht dieser Chat mit Ihren Daten um: Ihre Nachrichten gehen an unseren Datenschutz-Assistenten, "
            "damit er Ihnen antworten kann. Wir speichern das Gespräch 30 Tage lang und löschen es dann. Wenn Sie "
            "einen Antrag stellen, gehen Ihre Angaben an unseren Datenschutzbeauftragten, der sie so lange "
            "aufbewahrt, wie das Gesetz es verlangt. Mit /cancel können Sie einen laufenden Antrag jederzeit "
            "abbrechen. Fragen Sie mich „Was speichern Sie über diesen Chat?“, um mehr zu erfahren."
        ),
        "not_text": (
            "Entschuldigung, ich kann nur Textnachrichten lesen. Bitte schreiben Sie Ihre Frage oder Ihr Anliegen."
        ),
        "unreachable": (
            "Entschuldigung, der Assistent ist gerade nicht erreichbar, daher wurde Ihre Nachricht nicht "
            "weitergeleitet. Bitte senden Sie sie gleich noch einmal."
        ),
        "failed": "Entschuldigung, beim Antworten ist etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.",
        "too_long": "Entschuldigung, Ihre Nachricht ist zu lang. Bitte fassen Sie sich kürzer.",
        "too_fast": "Entschuldigung, das waren zu viele Nachrichten in kurzer Zeit. Bitte warten Sie einen Moment.",
        "expired_button": "Diese Schaltfläche ist abgelaufen; bitte schreiben Sie stattdessen.",
        "not_own_contact": (
            "Bitte teilen Sie mit der Schaltfläche Ihre eigene Telefonnummer, nicht den Kontakt einer anderen Person."
        ),
        "thanks": "Danke.",
        "share_phone": "📱 Meine Telefonnummer teilen",
    },
}
# The command menu Telegram shows, in English (default) and German.
COMMANDS = {
    "en": [
        ("start", "Start the conversation"),
        ("help", "What the assistant can do"),
        ("privacy", "How this chat handles your data"),
        ("cancel", "Drop a request in progress"),
    ],
    "de": [
        ("start", "Gespräch beginnen"),
        ("help", "Was der Assistent kann"),
        ("privacy", "Wie dieser Chat mit Ihren Daten umgeht"),
        ("cancel", "Laufenden Antrag abbrechen"),
    ],
}
RETRY_STATUSES = frozenset({502, 503})  # a proxy in front of the assistant found no server to take it

# When the update being handled arrived (event loop time), set by ChatOrder for the handlers it runs.
received_at: contextvars.ContextVar[float | None] = contextvars.ContextVar("received_at", default=None)


def never_reached(error: httpx.HTTPError) -> bool:
    """True when a request to the assistant certainly did not reach it, so sending it again is safe.

    No connection (refused, or not established in time, or none free in the pool) or a 502/503 from a
    proxy. A read timeout, a dropped connection or a 500 come after the assistant may have handled the
    message: sending it again could answer it twice.
    """
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code in RETRY_STATUSES


def language_of(update: object) -> str | None:
    """The Telegram user's ``language_code`` ('de', 'en-GB', ...), if Telegram sent one."""
    user = update.effective_user if isinstance(update, Update) else None
    return user.language_code if user is not None and user.language_code else None


def texts(language: str | None) -> dict[str, str]:
    """The bridge's fixed texts in the user's language: German for 'de…', else English."""
    return TEXTS["de"] if (language or "").lower().startswith("de") else TEXTS["en"]


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (0, 1, ...): 0.5 s doubling up to 5 s, ±20% jitter."""
    base = min(5.0, 0.5 * 2**attempt)
    return base * (0.8 + 0.4 * (rng or random).random())


class Payloads:
    """Maps long button payloads to short callback data (Telegram allows 64 bytes)."""

    def __init__(self, size: int = 5000):
        self._by_key: OrderedDict[str, str] = OrderedDict()
        self.size = size

    def pack(self, payload: str) -> str:
        if len(payload.encode()) <= CALLBACK_LIMIT and not payload.startswith("k:"):
            return payload
        key = "k:" + hashlib.sha256(payload.encode()).hexdigest()[:20]
        self._by_key[key] = payload
        self._by_key.move_to_end(key)
        while len(self._by_key) > self.size:
            self._by_key.popitem(last=False)
        return key

    def unpack(self, data: str) -> str | None:
        return self._by_key.get(data) if data.startswith("k:") else data


class Bridge:
    """Forwards between Telegram and the Rasa server."""

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        self.retry_window = float(settings.delivery_retry_seconds)
        self.url = f"{settings.rasa_url}/webhooks/telegram_bridge/webhook"
        self.client = client or httpx.AsyncClient(timeout=60)
        self.headers = {BRIDGE_TOKEN_HEADER: settings.bridge_token()}
        self.payloads = Payloads()

    async def ask_rasa(
        self, sender: str, message: str, internal: dict[str, str] | None = None, language: str | None = None
    ) -> list[dict[str, Any]]:
        """Send one message (with the user's ``language`` as metadata) to the assistant; its replies.

        While the assistant cannot be reached, the message is sent again with backoff until
        ``retry_window`` seconds after the update arrived; then, or when the assistant failed after
        getting it, the replies are an apology.
        """
        body: dict[str, Any] = {"sender": sender, "message": message}
        metadata = {"language": language} if language and LANGUAGE_TAG_RE.fullmatch(language) else {}
        if internal is not None:
            body["internal"] = True
            metadata |= internal
        if metadata:
            body["metadata"] = metadata
        words = texts(language)
        loop = asyncio.get_running_loop()
        deadline = (received_at.get() or loop.time()) + self.retry_window
        attempt = 0
        while True:
            try:
                response = await self.client.post(self.url, json=body, headers=self.headers)
                if response.status_code in (413, 429):  # too long or too fast: tell the person, do not retry
                    error = response.json().get("error", "that was refused")
                    key = "too_long" if response.status_code == 413 else "too_fast"
                    return [{"text": words[key].format(error=error)}]
                response.raise_for_status()
                return list(response.json())
            except httpx.HTTPError as exc:
                if not never_reached(exc):
                    log.warning("the assistant failed to answer a message: %s", type(exc).__name__)
                    return [{"text": words["failed"]}]
                left = deadline - loop.time()
                if left <= 0:
                    log.warning(
                        "the assistant stayed unreachable; a message was not delivered (%d attempts)", attempt + 1
                    )
                    return [{"text": words["unreachable"]}]
                if attempt == 0:
                    log.warning("the assistant is unreachable (%s); retrying", type(exc).__name__)
                await asyncio.sleep(min(backoff(attempt), left))
                attempt += 1
            except ValueError:  # a reply that is not JSON: the assistant had the message
                log.warning("the assistant's reply could not be read")
                return [{"text": words["failed"]}]

    def markup(self, reply: dict[str, Any], language: str | None = None) -> Any:
        """Inline keyboard for buttons; a contact-request keyboard when the assistant offers it."""
        custom = reply.get("custom") or {}
        if custom.get("telegram_contact_request"):
            return ReplyKeyboardMarkup(
                [[KeyboardButton(texts(language)["share_phone"], request_contact=True)]],
                one_time_keyboard=True,
                resize_keyboard=True,
            )
        buttons = reply.get("buttons") or []
        if not buttons:
            return None
        rows = [
            [InlineKeyboardButton(b["title"][:64], callback_data=self.payloads.pack(b["payload"]))] for b in buttons
        ]
        return InlineKeyboardMarkup(rows)

    async def relay(self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: str, **kw: Any) -> None:
        """Send ``message`` to the assistant and its replies to the chat."""
        chat = update.effective_chat
        if chat is None:
            return
        language = language_of(update)
        replies = await self.ask_rasa(f"tg-{chat.id}", message, language=language, **kw)
        for reply in replies:
            text = reply.get("text") or (reply.get("custom") or {}).get("telegram_contact_request")
            if text:
                await send_with_retry(context, chat.id, text, self.markup(reply, language))

    # ---------------------------------------------------------------- handlers

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message and update.message.text:
            await self.relay(update, context, update.message.text)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update, context, "/greet")

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update, context, "/help")

    async def on_cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update, context, "/cancel")

    async def on_privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat:
            await send_with_retry(context, update.effective_chat.id, texts(language_of(update))["privacy"], None)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        payload = self.payloads.unpack(query.data or "")
        if payload is None:
            if update.effective_chat:
                await send_with_retry(
                    context, update.effective_chat.id, texts(language_of(update))["expired_button"], None
                )
            return
        await self.relay(update, context, payload)

    async def on_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.message, update.effective_user
        if message is None or message.contact is None or user is None:
            return
        words = texts(language_of(update))
        if message.contact.user_id != user.id:
            await message.reply_text(words["not_own_contact"], reply_markup=ReplyKeyboardRemove())
            return
        await message.reply_text(words["thanks"], reply_markup=ReplyKeyboardRemove())
        phone = message.contact.phone_number
        await self.relay(
            update, context, "/phone_verified", internal={"verified_phone": phone, "telegram_user_id": str(user.id)}
        )

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message and update.effective_chat:
            await send_with_retry(context, update.effective_chat.id, texts(language_of(update))["not_text"], None)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.warning("update could not be handled: %s", type(context.error).__name__)


class ChatOrder(BaseUpdateProcessor):
    """Handles the updates of one chat one after another, in the order they arrived, and different
    chats concurrently (one chat waiting for the assistant does not hold up the others). Each update's
    arrival time is available to its handlers as :data:`received_at`.
    """

    def __init__(self, max_concurrent_updates: int = 256):
        super().__init__(max_concurrent_updates)
        self._chats: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        received_at.set(asyncio.get_running_loop().time())
        key = chat_key(update)
        lock, users = self._chats.get(key) or (asyncio.Lock(), 0)
        self._chats[key] = (lock, users + 1)
        try:
            async with lock:  # asyncio.Lock wakes its waiters first come, first served
                await coroutine
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def chat_key(update: object) -> Hashable:
    """Which updates must keep their order: those of one chat (or one user, for chat-less updates)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("other", None)


async def send_with_retry(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, markup: Any) -> None:
    """sendMessage, waiting out Telegram's flood control and retrying network errors."""
    for attempt in range(4):
        try:
            await context.bot.send_message(chat_id, text[:4096], reply_markup=markup)
            return
        except RetryAfter as exc:
            await asyncio.sleep(float(getattr(exc, "retry_after", 1)))
        except (TimedOut, NetworkError):
            await asyncio.sleep(0.5 * (attempt + 1))
    log.warning("message to a chat could not be delivered after retries")


async def register_commands(app: Application) -> None:
    """Describe the commands in Telegram's menu: in English for everyone, in German for German users."""
    for language, commands in COMMANDS.items():
        await app.bot.set_my_commands(commands, language_code=None if language == "en" else language)


def build(settings: Settings) -> Application:
    """The python-telegram-bot application with every handler."""
    token = settings.telegram_token.get_secret_value()
    if not token:
        raise ValueError("PRIVACYBOT_TELEGRAM_TOKEN is not set")
    app = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(ChatOrder())
        .post_init(register_commands)
        .build()
    )
    bridge = Bridge(settings)
    app.bot_data["bridge"] = bridge
    app.add_handler(CommandHandler("start", bridge.on_start))
    app.add_handler(CommandHandler("help", bridge.on_help))
    app.add_handler(CommandHandler("privacy", bridge.on_privacy))
    app.add_handler(CommandHandler("cancel", bridge.on_cancel))
    app.add_handler(CallbackQueryHandler(bridge.on_button))
    app.add_handler(MessageHandler(filters.CONTACT, bridge.on_contact))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, bridge.on_text))
    app.add_handler(MessageHandler(filters.ALL, bridge.on_other))
    app.add_error_handler(bridge.on_error)
    return app


def run(settings: Settings) -> None:
    """Long polling, or a webhook when configured."""
    app = build(settings)
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret.get_secret_value()
        if not secret:
            raise ValueError("PRIVACYBOT_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
        app.run_webhook(
            listen=settings.host,
            port=settings.telegram_webhook_port,
            webhook_url=settings.telegram_webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.5)
