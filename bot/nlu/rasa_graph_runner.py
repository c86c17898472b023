"""Rasa's graph runs without dask: the same nodes, called in dependency order, in one loop.

Rasa 3.6 runs its model graph (NLU components, then policies) through ``dask.get`` twice a turn
and once more for every action it predicts. For a graph of a dozen nodes, dask's own work –
rebuilding the minimal schema, ordering the tasks, scheduling them one by one – costs about as
much as the nodes themselves (2 ms a turn in benchmarks/rasa_profile.py). ``DaskGraphRunner.run``
uses dask's synchronous scheduler anyway, so nothing runs in parallel there.

``run`` below does what ``dask.get`` did with the graph ``DaskGraphRunner`` built: every node
that a target needs is called once, after the nodes it needs, with their outputs as arguments; a
given input (``__message__``, ``__tracker__`` …) stands in for the node of the same name; a name
that is neither is passed on as it is (as dask does with a literal); a RuntimeError becomes
Rasa's GraphRunError. The order for a set of targets and inputs is computed once.
"""

from typing import Any, Dict, List, Optional, Text, Tuple

_ORDERS = "_zicht_orders"


def _order(schema: Any, targets: List[Text], given: frozenset) -> Tuple[Text, ...]:
    """The nodes the targets need, each after its own needs (a depth-first post-order)."""
    order: List[Text] = []
    seen: set = set()

    def visit(name: Text) -> None:
        if name in seen or name in given or name not in schema.nodes:
            return
        seen.add(name)
        for need in schema.nodes[name].needs.values():
            visit(need)
        order.append(name)

    for target in targets:
        visit(target)
    return tuple(order)


def run(
    self: Any,
    inputs: Optional[Dict[Text, Any]] = None,
    targets: Optional[List[Text]] = None,
) -> Dict[Text, Any]:
    """DaskGraphRunner.run without dask (see module doc)."""
    from rasa.engine.exceptions import GraphRunError

    run_targets = list(targets) if targets else list(self._graph_schema.target_names)
    inputs = inputs or {}
    nodes = self._graph_schema.nodes
    for value in inputs.values():
        if isinstance(value, str) and value in nodes:
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the "
                f"input names passed to the `run` method are the same as node names in the "
                f"graph schema."
            )
    orders: Dict[Any, Tuple[Text, ...]] = self.__dict__.setdefault(_ORDERS, {})
    key = (tuple(run_targets), frozenset(inputs))
    order = orders.get(key)
    if order is None:
        order = orders[key] = _order(self._graph_schema, run_targets, key[1])
    results: Dict[Text, Any] = {name: (name, value) for name, value in inputs.items()}
    instantiated = self._instantiated_nodes
    try:
        for name in order:
            needs = nodes[name].needs.values()
            results[name] = instantiated[name](*(results.get(need, need) for need in needs))
        return dict(results.get(target, target) for target in run_targets)
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error


def patch() -> None:
    """Make DaskGraphRunner.run this run (training and serving alike)."""
    from rasa.engine.runner.dask import DaskGraphRunner

    run.__wrapped__ = DaskGraphRunner.run  # type: ignore[attr-defined]
    DaskGraphRunner.run = run  # type: ignore[method-assign]
