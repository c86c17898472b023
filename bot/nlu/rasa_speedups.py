"""Measured speed-ups of Rasa 3.6.21 itself, applied when the Rasa server loads our model.

1. The reply check (bot/nlu/rasa_reply_check.py). Rasa checked every action-server reply with
a validator built anew each time (89.7 ms a reply); one validator per event type, built once,
gives the same verdict and the same errors.

2. The domain in every action call. Rasa 3.6 sends the whole domain with every call to the
action server: ours holds every text in 12 languages, 374 kB of JSON that Rasa encodes (13 ms)
and the action server decodes (8 ms) on every call, several calls a turn in the report form.
rasa-sdk 3.9+ (ours: requirements/app.lock) keeps the domain it was last sent together with a
``domain_digest`` and answers 449 when a call names a digest it does not hold. With
``domain_digest: true`` on the action endpoint (endpoints*.yml), Rasa now sends the digest with
every call and the domain only until that action server URL has accepted it; a 449 (an action
server that restarted, or another replica behind the same URL) makes it send the call again with
the domain. Without the option Rasa behaves as before, so an older action server still works.

3. Event types. Every turn Rasa reads the conversation back from the tracker store and turns
each stored event into an object; ``Event.resolve_by_type`` finds the class by walking all
subclasses of Event (recursively, with an ``inspect.isabstract`` check each) for every single
event: 5.4 ms a turn in a report conversation. A name -> class table built from the same walk
gives the same class (the first match, as before); a name it does not know rebuilds the table
once (a subclass imported later), then behaves exactly as Rasa's own lookup.

4. Loading the domain. When the server loads a model, DomainProvider reads the domain.yml that
training stored in the model and parses it three times (once to see it is a domain, once with a
pykwalify schema check, once more to merge files): 4.2 s of the server's start for our 280 kB
domain. The file was written by Rasa itself from a domain that was checked at training, so it is
parsed once, with Rasa's own YAML reader, and given to ``Domain.from_dict`` as before. Anything
other than the single file training writes goes the original way.

5. Garbage collection pauses. The server holds millions of long-lived objects (TensorFlow, which
Rasa imports, scikit-learn, the model); every full collection walks them all, a pause of tens of
milliseconds in a random turn. ``freeze_heap()``, called once the model is loaded, moves what
exists then out of the collector's sight (``gc.freeze``); new objects are collected as before.

6. The graph runner (bot/nlu/rasa_graph_runner.py): Rasa's graph of components runs in one loop
in dependency order instead of through dask's scheduler, 2–4 times a turn.

7. Applied events (bot/nlu/rasa_applied_events.py): worked out once per state of the
conversation instead of four to five times a turn.

8. Saving to Redis (bot/nlu/rasa_tracker_merge.py): merging the stored conversation with the
new one serialised every event once per pair of events; now once per event, same result.

9. Connections to the action server (bot/nlu/rasa_http_session.py): kept alive between calls
instead of a new session and TCP connection for every action call.

bot.nlu.language_component applies 1-4 and 6-9 when Rasa imports it, which happens while the
model's graph is read, before any component is loaded.

``apply()`` is idempotent. Remove this module when Rasa is upgraded.
"""

import gc
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from bot.nlu import (
    rasa_applied_events,
    rasa_graph_runner,
    rasa_http_session,
    rasa_reply_check,
    rasa_tracker_merge,
)

_APPLIED = False
STORED_DOMAIN = "domain.yml"  # the one file DomainProvider._persist writes
DIGEST_OPTION = "domain_digest"
MISSING_DOMAIN_STATUS = 449
# action server URL -> the digest it has accepted (its copy of the domain)
_ACCEPTED: Dict[Text, Text] = {}
# the last domain seen and its digest (Domain hashes by fingerprint, too slow for a dict key)
_LAST_DIGEST: List[Any] = [None, ""]


def apply() -> None:
    """Apply speed-ups 1-4 and 6-9 (idempotent); 5 is freeze_heap(), once the model is loaded."""
    global _APPLIED
    if _APPLIED:
        return
    rasa_reply_check.patch()
    _send_domain_once()
    _cache_event_types()
    _load_domain_once()
    rasa_graph_runner.patch()
    rasa_applied_events.patch()
    rasa_tracker_merge.patch()
    rasa_http_session.patch()
    _APPLIED = True


def freeze_heap() -> None:
    """Collect once, then keep everything alive now out of later collections (see module doc)."""
    gc.collect()
    gc.freeze()


def domain_digest(domain: Any) -> Text:
    """sha256 of the domain's canonical JSON, computed once per Domain object."""
    if _LAST_DIGEST[0] is not domain:
        encoded = json.dumps(domain.as_dict(), sort_keys=True, ensure_ascii=False)
        _LAST_DIGEST[:] = [domain, hashlib.sha256(encoded.encode("utf-8")).hexdigest()]
    return str(_LAST_DIGEST[1])


def _digest_url(remote_action: Any) -> Optional[Text]:
    """The endpoint URL when its config asks for digests, else None."""
    endpoint = remote_action.action_endpoint
    if endpoint is None or not endpoint.kwargs.get(DIGEST_OPTION):
        return None
    return str(endpoint.url)


def _missing_domain(error: BaseException) -> bool:
    cause = error.__cause__
    return getattr(cause, "status", None) == MISSING_DOMAIN_STATUS


def _send_domain_once() -> None:
    """RemoteAction sends the domain only until the action server holds it (see module doc)."""
    from rasa.core.actions import action
    from rasa.shared.exceptions import RasaException

    original_format = action.RemoteAction._action_call_format
    original_run = action.RemoteAction.run

    def action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[Text, Any]:
        result = original_format(self, tracker, domain)
        url = _digest_url(self)
        if url is None:
            return result
        digest = domain_digest(domain)
        result[DIGEST_OPTION] = digest
        if _ACCEPTED.get(url) == digest:
            result.pop("domain", None)
        elif "domain" not in result:  # selective domain left it out: it must go once
            result["domain"] = domain.as_dict()
        return result

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        url = _digest_url(self)
        if url is None:
            return await original_run(self, output_channel, nlg, tracker, domain)
        try:
            events = await original_run(self, output_channel, nlg, tracker, domain)
        except RasaException as error:
            if not _missing_domain(error):
                raise
            _ACCEPTED.pop(url, None)  # the server lost it: the call again, with the domain
            events = await original_run(self, output_channel, nlg, tracker, domain)
        _ACCEPTED[url] = domain_digest(domain)
        return events

    action.RemoteAction._action_call_format = action_call_format
    action.RemoteAction.run = run


def _load_domain_once() -> None:
    """DomainProvider.load parses the stored domain.yml once (see module doc)."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.graph_components.providers.domain_provider import DomainProvider
    from rasa.shared.core.domain import Domain
    from rasa.shared.utils.io import read_file, read_yaml

    original = DomainProvider.load.__func__  # type: ignore[attr-defined]

    # Rasa's graph validation (rasa train) checks the types of these parameters: keep them exact.
    def load(
        cls: Any,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DomainProvider:
        with model_storage.read_from(resource) as directory:
            stored = [path for path in Path(directory).rglob("*") if path.is_file()]
            if [path.name for path in stored] != [STORED_DOMAIN]:
                return original(cls, config, model_storage, resource, execution_context, **kwargs)
            domain = Domain.from_dict(read_yaml(read_file(stored[0])))
        return cls(model_storage, resource, domain)

    load.__wrapped__ = original  # type: ignore[attr-defined]
    DomainProvider.load = classmethod(load)  # type: ignore[assignment]


def _cache_event_types() -> None:
    """Event.resolve_by_type from a name -> class table (see module doc)."""
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    original = events.Event.resolve_by_type
    table: Dict[Text, Any] = {}

    def rebuild() -> None:
        fresh: Dict[Text, Any] = {}
        for cls in all_subclasses(events.Event):
            fresh.setdefault(cls.type_name, cls)
        table.clear()
        table.update(fresh)

    def resolve_by_type(type_name: Text, default: Optional[Any] = None) -> Optional[Any]:
        cls = table.get(type_name)
        if cls is None:
            rebuild()
            cls = table.get(type_name)
        if cls is not None:
            return cls
        return original(type_name, default)

    resolve_by_type.__wrapped__ = original  # type: ignore[attr-defined]
    events.Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]
