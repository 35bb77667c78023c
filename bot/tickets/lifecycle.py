"""The request lifecycle: statuses and the transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a request stands."""

    new = "new"
    awaiting_verification = "awaiting_verification"
    open = "open"
    in_progress = "in_progress"
    completed = "completed"
    rejected = "rejected"
    withdrawn = "withdrawn"


CLOSED = frozenset({Status.completed, Status.rejected, Status.withdrawn})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.new: frozenset({Status.awaiting_verification, Status.open, Status.rejected, Status.withdrawn}),
    Status.awaiting_verification: frozenset({Status.open, Status.rejected, Status.withdrawn}),
    Status.open: frozenset({Status.in_progress, Status.completed, Status.rejected, Status.withdrawn}),
    Status.in_progress: frozenset({Status.completed, Status.rejected, Status.withdrawn}),
    Status.completed: frozenset(),
    Status.rejected: frozenset(),
    Status.withdrawn: frozenset(),
}

# Grounds on which a request may be refused; "other" needs a note.
REJECTION_REASONS = {
    "identity_not_verified": "identity could not be verified (Art. 12(6) GDPR)",
    "manifestly_unfounded": "manifestly unfounded (Art. 12(5) GDPR)",
    "excessive": "excessive, in particular repetitive (Art. 12(5) GDPR)",
    "exemption": "an exemption applies (e.g. Art. 17(3) GDPR)",
    "other": "other reason (see note)",
}


class TransitionError(ValueError):
    """A status change the lifecycle does not allow, or one that lacks what it needs."""


def check_transition(current: str, target: str, reason: str | None, note: str | None) -> Status:
    """The target status if the change is allowed; TransitionError with a clear message otherwise."""
    try:
        source, goal = Status(current), Status(target)
    except ValueError:
        raise TransitionError(f"unknown status {target!r}; statuses: {', '.join(s.value for s in Status)}") from None
    if goal not in TRANSITIONS[source]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[source])) or "none (it is closed)"
        raise TransitionError(f"cannot go from {source.value} to {goal.value}; allowed: {allowed}")
    if goal is Status.rejected:
        if reason not in REJECTION_REASONS:
            raise TransitionError(f"rejecting needs --reason, one of: {', '.join(REJECTION_REASONS)}")
        if reason == "other" and not (note and note.strip()):
            raise TransitionError("rejecting for 'other' reasons needs a --note")
    return goal
