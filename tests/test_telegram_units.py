"""The Telegram bridge's pieces that need no servers."""

from __future__ import annotations

from bot.telegram_bridge import CALLBACK_LIMIT, Payloads


def test_short_payloads_pass_long_ones_are_packed_and_unpacked() -> None:
    payloads = Payloads(size=2)
    assert payloads.pack("/request_access") == "/request_access"
    long = "Legal or contractual provisions making the personal data available; necessity for the contract"
    key = payloads.pack(long)
    assert len(key.encode()) <= CALLBACK_LIMIT and payloads.unpack(key) == long
    payloads.pack("x" * 100)
    payloads.pack("y" * 100)
    assert payloads.unpack(key) is None  # forgotten after the cache size: the bridge says the button expired
    assert payloads.unpack("k:forged") is None
    assert payloads.pack("k:not-a-key") != "k:not-a-key"  # user-like data cannot pose as a key
