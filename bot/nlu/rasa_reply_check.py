"""Rasa's check of an action server's reply, with the same rules and a fraction of the work.

Rasa 3.6 checks every reply with ``jsonschema.validate(result, schema)``: that checks the large
events schema itself and builds a new validator on every call (89.7 ms a reply here). A validator
built once does the same check in 1–5 ms, still a large share of a report turn, because every
event of the reply is tried against all 23 alternatives of the schema's ``oneOf``.

The alternatives differ in the ``event`` name they demand (``{"const": "slot"}`` …), so at most
one of them can hold for an event, and ``oneOf`` holds exactly when that one does. Each event is
therefore checked against the schema of its own event type only: the common properties plus that
alternative, as one validator per type built once. An event that is not an object, has no known
``event`` name, or fails its own type's check goes to the full schema, so an invalid reply raises
the same ``jsonschema.ValidationError`` as before (with Rasa's message appended by the caller).
"""

import functools
from typing import Any, Dict, Text

REPLY_ERROR_HINT = (
    ". Failed to validate Action server response from API, make sure your response from the "
    "Action endpoint is valid. For more information about the format visit {docs}/custom-actions"
)


@functools.lru_cache(maxsize=1)
def _validators() -> tuple[Any, Any, Dict[Text, Any]]:
    """(full reply validator, reply-without-event-details validator, {event name: validator})."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    def build(schema: Dict[Text, Any]) -> Any:
        cls = validator_for(schema)
        cls.check_schema(schema)
        return cls(schema)

    full = RemoteAction.action_response_format_spec()
    outline = {
        **full,
        "properties": {**full["properties"], "events": {"type": "array"}},
    }
    common = {key: value for key, value in EVENT_SCHEMA.items() if key != "oneOf"}
    by_type = {
        alternative["properties"]["event"]["const"]: build({**common, "allOf": [alternative]})
        for alternative in EVENT_SCHEMA["oneOf"]
    }
    return build(full), build(outline), by_type


def check_reply(result: Any) -> None:
    """Raise jsonschema.ValidationError exactly when Rasa's own check of `result` would."""
    full, outline, by_type = _validators()
    if not outline.is_valid(result):
        full.validate(result)
    events = result.get("events", []) if isinstance(result, dict) else []
    for event in events:
        name = event.get("event") if isinstance(event, dict) else None
        validator = by_type.get(name) if isinstance(name, str) else None
        if validator is None or not validator.is_valid(event):
            full.validate(result)  # the full schema names the error as Rasa always did
            return


def patch() -> None:
    """Make RemoteAction._validate_action_result use check_reply."""
    from jsonschema import ValidationError
    from rasa.core.actions import action

    original = action.RemoteAction._validate_action_result
    _validators()  # built now, at model load, not in a person's first report turn

    def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
        try:
            check_reply(result)
            return True
        except ValidationError as error:
            error.message += REPLY_ERROR_HINT.format(docs=action.DOCS_BASE_URL)
            raise error

    validate_action_result.__wrapped__ = original  # type: ignore[attr-defined]
    action.RemoteAction._validate_action_result = validate_action_result
