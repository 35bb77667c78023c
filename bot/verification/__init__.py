"""Identity checks: one-time codes, their challenges table, and the one screening hook a channel calls."""
