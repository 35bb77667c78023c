"""Console accounts: Argon2 password hashes, TOTP second factor, lock-out after failed sign-ins.

- Passwords have at least 12 characters and are stored only as Argon2id hashes (argon2-cffi).
- Five failed sign-ins (a wrong password or a wrong TOTP code) lock the account for 15 minutes;
  an unknown address costs as much time as a known one and gets the same answer.
- A disabled account cannot sign in and its sessions end at once.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from bot.addresses import InvalidAddress, normalise_address
from bot.console.models import ConsoleSession, ConsoleUser
from bot.db.sessions import SessionFactory, transaction

ROLES = ("dpo", "viewer")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
TOTP_ISSUER = "privacybot console"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone: equalises timing")


class AccountError(ValueError):
    """A refused account change; the message says why."""


class LoginOutcome(StrEnum):
    """What a sign-in attempt came to."""

    ok = "ok"
    wrong = "wrong"
    locked = "locked"
    disabled = "disabled"


@dataclass(frozen=True)
class LoginResult:
    """The outcome and, when it is ``ok``, the account."""

    outcome: LoginOutcome
    user_id: int | None = None
    email: str | None = None


def check_password(password: str) -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")


def normalise_login(email: str) -> str:
    """The account's address in canonical form; AccountError for a malformed one."""
    try:
        return normalise_address(email).lower()
    except InvalidAddress as exc:
        raise AccountError(str(exc)) from None


class Accounts:
    """The console's accounts in the ticket database."""

    def __init__(self, factory: SessionFactory):
        self.factory = factory

    def add(self, email: str, role: str, password: str, now: datetime) -> ConsoleUser:
        """Create an account; refused for an unknown role, a weak password or an existing address."""
        email = normalise_login(email)
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        check_password(password)
        with transaction(self.factory) as session:
            if session.execute(select(ConsoleUser).where(ConsoleUser.email == email)).scalar_one_or_none():
                raise AccountError(f"an account for {email} exists already")
            user = ConsoleUser(
                email=email,
                role=role,
                password_hash=_hasher.hash(password),
                failed_logins=0,
                created_at=now,
                password_changed_at=now,
            )
            session.add(user)
            return user

    def _user(self, session: object, email: str) -> ConsoleUser:
        found = session.execute(  # type: ignore[attr-defined]
            select(ConsoleUser).where(ConsoleUser.email == normalise_login(email))
        ).scalar_one_or_none()
        if found is None:
            raise AccountError(f"no account for {email}")
        return found

    def set_password(self, email: str, password: str, now: datetime) -> None:
        """A new password; unlocks the account and ends its sessions."""
        check_password(password)
        with transaction(self.factory) as session:
            user = self._user(session, email)
            user.password_hash = _hasher.hash(password)
            user.password_changed_at = now
            user.failed_logins, user.locked_until = 0, None
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))

    def disable(self, email: str, now: datetime) -> None:
        """Disable an account and end its sessions."""
        with transaction(self.factory) as session:
            user = self._user(session, email)
            user.disabled_at = user.disabled_at or now
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))

    def all(self) -> list[ConsoleUser]:
        """Every account, by address."""
        with transaction(self.factory) as session:
            return list(session.execute(select(ConsoleUser).order_by(ConsoleUser.email)).scalars())

    def get(self, user_id: int) -> ConsoleUser | None:
        """One account by id."""
        with transaction(self.factory) as session:
            return session.get(ConsoleUser, user_id)

    def authenticate(self, email: str, password: str, now: datetime) -> LoginResult:
        """Check an address and password; counts failures and locks after ``MAX_FAILURES``."""
        try:
            address = normalise_login(email)
        except AccountError:
            address = ""
        with transaction(self.factory) as session:
            user = (
                session.execute(select(ConsoleUser).where(ConsoleUser.email == address)).scalar_one_or_none()
                if address
                else None
            )
            if user is None:
                _verify(_DUMMY_HASH, password)  # the same work as for a real account
                return LoginResult(LoginOutcome.wrong)
            if user.disabled_at is not None:
                _verify(_DUMMY_HASH, password)
                return LoginResult(LoginOutcome.disabled, email=user.email)
            if user.locked_until is not None and user.locked_until > now:
                _verify(_DUMMY_HASH, password)
                return LoginResult(LoginOutcome.locked, email=user.email)
            if not _verify(user.password_hash, password):
                return _failure(user, now)
            user.failed_logins, user.locked_until = 0, None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            return LoginResult(LoginOutcome.ok, user_id=user.id, email=user.email)

    # ------------------------------------------------------------------ second factor

    def start_enrolment(self, user_id: int) -> str:
        """The account's unconfirmed TOTP secret, made on first use (a reload shows the same one)."""
        with transaction(self.factory) as session:
            user = session.get(ConsoleUser, user_id)
            if user.totp_confirmed_at is not None:
                raise AccountError("a second factor is set up already")
            if not user.totp_secret:
                user.totp_secret = pyotp.random_base32()
            return str(user.totp_secret)

    def check_totp(self, user_id: int, code: str, now: datetime, confirm: bool = False) -> LoginResult:
        """Check a TOTP code (one step of clock drift allowed); a wrong one counts as a failed sign-in."""
        with transaction(self.factory) as session:
            user = session.get(ConsoleUser, user_id)
            if user is None or user.disabled_at is not None:
                return LoginResult(LoginOutcome.disabled)
            if user.locked_until is not None and user.locked_until > now:
                return LoginResult(LoginOutcome.locked, email=user.email)
            if not user.totp_secret or (user.totp_confirmed_at is None and not confirm):
                return LoginResult(LoginOutcome.wrong, email=user.email)
            digits = "".join(ch for ch in code if ch.isdigit())
            expected = [pyotp.TOTP(user.totp_secret).at(now + timedelta(seconds=30 * d)) for d in (-1, 0, 1)]
            if len(digits) != 6 or not any(hmac.compare_digest(digits, e) for e in expected):
                return _failure(user, now)
            user.failed_logins, user.locked_until = 0, None
            if confirm and user.totp_confirmed_at is None:
                user.totp_confirmed_at = now
            return LoginResult(LoginOutcome.ok, user_id=user.id, email=user.email)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _failure(user: ConsoleUser, now: datetime) -> LoginResult:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILURES:
        user.failed_logins, user.locked_until = 0, now + LOCKOUT
        return LoginResult(LoginOutcome.locked, email=user.email)
    return LoginResult(LoginOutcome.wrong, email=user.email)
