"""A conversation's applied events, worked out once per state of the conversation.

``DialogueStateTracker.applied_events()`` walks every event of the conversation and, for each
run of a form, searches back for the form's previous run: O(events) at best, more inside forms.
Rasa calls it four to five times a turn (the rule policy's states, the form's slot checks, prior
trackers …) on a conversation that has not changed in between: 3.6 ms of a 28 ms turn in a long
report conversation (benchmarks/rasa_profile.py with --cprofile).

The answer depends only on the events: which they are and in what order. Rasa only ever appends
to a tracker's events (a bounded history drops the oldest one as it appends), so the number of
events together with the identity of the last one tells whether they changed. The result is kept
on the tracker with that key and handed out as a fresh list each time, as before (callers may
change the list they get). A tracker copied with ``copy.deepcopy`` carries a consistent key.
"""

from typing import Any, List

_CACHE = "_zicht_applied_events"


def patch() -> None:
    """Make DialogueStateTracker.applied_events remember its answer (see module doc)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.applied_events

    def applied_events(self: Any) -> List[Any]:
        events = self.events
        count = len(events)
        last = events[-1] if count else None
        cached = self.__dict__.get(_CACHE)
        if cached is not None and cached[0] == count and cached[1] is last:
            return list(cached[2])
        result = original(self)
        self.__dict__[_CACHE] = (count, last, list(result))
        return result

    applied_events.__wrapped__ = original  # type: ignore[attr-defined]
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]
