"""Domain events: how features react to each other without importing each other.

A service that changes something sends a named signal after flushing; other
features subscribe (notifications fan out, search re-indexes, portrait
aggregates move). Receivers run synchronously in the same transaction, so
what they write commits or rolls back with the change itself. Heavy work is
handed to ``app.tasks.defer`` by the receiver.

    from app.events import signal
    proposal_answered = signal("proposal.answered")
    proposal_answered.send(proposal, answer=answer, actor=user)

    @signal("proposal.answered").connect
    def _update_aggregates(proposal, answer, actor): ...

Signal names are "<noun>.<past-tense verb>"; each sender documents its
keyword arguments where it defines the signal.
"""

from __future__ import annotations

from blinker import Namespace

_namespace = Namespace()


def signal(name: str):
    """The signal called ``name`` (the same object for every caller)."""
    return _namespace.signal(name)
