"""Saving a conversation to Redis without comparing every event with every other one.

Before it writes a conversation, Rasa 3.6's ``RedisTrackerStore`` reads the stored one and merges
the two (``_merge_trackers``), so that events of earlier sessions, which ``retrieve`` leaves out,
are kept. Its shortcut – the conversation as it was at the stored last event's time equals the
stored one – never holds for ours: an event's timestamp can be later than that of an event
stored after it (the stored list then looks longer than the replayed one). So every save takes
the slow path, which serialises both events anew for every pair: for each event of the
conversation, ``as_dict()`` of it and of every stored event. For a report of 160 events that is
some 50,000 ``as_dict`` calls a turn, the largest cost of a late report turn in the production
shape (benchmarks/rasa_profile.py --endpoints endpoints.production.yml), and it grows with the
square of the conversation's length.

``merge_trackers`` below gives the same merged conversation: the stored events, then each event
of the conversation whose ``as_dict()`` equals none of those already merged, in order. It
serialises every event once, and when the conversation's event at position i equals the stored
event at position i (the usual case: the conversation continues the stored one), that settles
"already merged" at once; the rest are compared with every merged event, as before.
"""

from typing import Any, Dict, List


def merge_trackers(prior_tracker: Any, tracker: Any) -> Any:
    """RedisTrackerStore._merge_trackers, same result (see module doc)."""
    if tracker.events.maxlen is not None:  # a bounded history forgets: Rasa's own way
        return merge_trackers.__wrapped__(prior_tracker, tracker)  # type: ignore[attr-defined]
    if not prior_tracker.events:
        return tracker

    last_event_timestamp = prior_tracker.events[-1].timestamp
    past_tracker = tracker.travel_back_in_time(target_time=last_event_timestamp)
    if past_tracker.events == prior_tracker.events:
        return tracker

    merged = tracker.init_copy()
    merged.update_with_events(list(prior_tracker.events), override_timestamp=False, domain=None)
    seen: List[Dict[str, Any]] = [event.as_dict() for event in merged.events]
    stored = len(seen)
    for position, new_event in enumerate(tracker.events):
        candidate = new_event.as_dict()
        if position < stored and candidate == seen[position]:
            continue
        if all(candidate != existing for existing in seen):
            merged.update(new_event)
            seen.append(merged.events[-1].as_dict())
    return merged


def patch() -> None:
    """Make RedisTrackerStore._merge_trackers this merge_trackers."""
    from rasa.core.tracker_store import RedisTrackerStore

    merge_trackers.__wrapped__ = RedisTrackerStore._merge_trackers  # type: ignore[attr-defined]
    RedisTrackerStore._merge_trackers = staticmethod(merge_trackers)  # type: ignore[method-assign]
