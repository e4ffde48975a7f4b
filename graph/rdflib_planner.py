"""A join-order planner for rdflib's SPARQL engine, used by the ``rdflib`` store backend.

rdflib evaluates a basic graph pattern as nested loops in an order chosen by counting bound
terms, and breaks ties by sorting the patterns themselves, so ``?m iscm:current true`` (a literal
object sorts first) can drive a join over every membership. On the API's two-membership join that
takes minutes instead of milliseconds. This module orders each BGP greedily by estimated
cardinality from per-predicate statistics gathered once per store, then hands the ordered patterns
to rdflib's own evaluator, so results are rdflib's.

The planner is registered in :data:`rdflib.plugins.sparql.CUSTOM_EVALS` but only plans BGPs over
stores passed to :func:`enable`; every other rdflib query in the process is left to rdflib.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib.term import BNode, Node, Variable

_NAME = "iscm-bgp-planner"


@dataclass
class PredicateStats:
    """Counts that estimate how many triples a pattern matches."""

    triples: int = 0
    by_predicate: Counter = field(default_factory=Counter)
    by_predicate_object: Counter = field(default_factory=Counter)
    subjects: Counter = field(default_factory=Counter)  # distinct subjects per predicate
    objects: Counter = field(default_factory=Counter)  # distinct objects per predicate

    @classmethod
    def collect(cls, triples: Iterable[tuple[Node, Node, Node]]) -> PredicateStats:
        stats = cls()
        seen_subjects: set[tuple[Node, Node]] = set()
        seen_objects: set[tuple[Node, Node]] = set()
        for s, p, o in triples:
            stats.triples += 1
            stats.by_predicate[p] += 1
            stats.by_predicate_object[(p, o)] += 1
            if (p, s) not in seen_subjects:
                seen_subjects.add((p, s))
                stats.subjects[p] += 1
            if (p, o) not in seen_objects:
                seen_objects.add((p, o))
                stats.objects[p] += 1
        return stats

    def estimate(self, pattern: tuple[Node, Node, Node], bound: set[Node]) -> float:
        """Expected matches of ``pattern`` when the variables in ``bound`` already have values.

        Constants are their own value; a variable in ``bound`` has a value not known at planning time,
        so averages stand in for it.
        """
        s, p, o = pattern

        def known(term: Node) -> bool:
            return not _is_var(term) or term in bound

        if _is_var(p) and p not in bound:
            if known(s) or known(o):
                return 10.0  # a node's degree: small, but less sure than a bound predicate
            return float(self.triples)
        if _is_var(p):
            n = self.triples / max(len(self.by_predicate), 1)  # p bound at run time: an average predicate
            per_subject = per_object = 2.0
        else:
            n = float(self.by_predicate.get(p, 0))
            per_subject = n / max(self.subjects.get(p, 0), 1)
            per_object = n / max(self.objects.get(p, 0), 1)
        if known(s) and known(o):
            return min(1.0, per_subject)
        if known(s):
            return per_subject
        if known(o):
            if not _is_var(o) and not _is_var(p):
                return float(self.by_predicate_object.get((p, o), 0))
            return per_object
        return n


def _is_var(term: Node) -> bool:
    return isinstance(term, (Variable, BNode))


def plan(patterns: list[tuple[Node, Node, Node]], stats: PredicateStats,
         bound: set[Node]) -> list[tuple[Node, Node, Node]]:
    """Order ``patterns`` greedily: cheapest next, given what the patterns before it bind.

    Ties keep the written order, so a query author can still steer the plan.

    Examples
    --------
    Two memberships of one ISCM out of many: the ISCM pattern goes first, then the patterns its
    membership variable makes cheap.

    >>> from rdflib import Namespace, Variable
    >>> ORG, ID = Namespace("http://www.w3.org/ns/org#"), Namespace("https://w3id.org/iscm/id/")
    >>> triples = [(ID[f"m{i}"], ORG.organization, ID["iscm/big" if i > 1 else "iscm/small"])
    ...            for i in range(100)] + [(ID[f"m{i}"], ORG.member, ID[f"s{i}"]) for i in range(100)]
    >>> stats = PredicateStats.collect(triples)
    >>> m, s = Variable("m"), Variable("s")
    >>> [str(p.n3()) for _, p, _ in plan([(m, ORG.member, s), (m, ORG.organization, ID["iscm/small"])],
    ...                                   stats, set())]
    ['<http://www.w3.org/ns/org#organization>', '<http://www.w3.org/ns/org#member>']
    """
    remaining = list(patterns)
    bound = set(bound)
    ordered = []
    while remaining:
        best = min(range(len(remaining)), key=lambda i: (stats.estimate(remaining[i], bound), i))
        pattern = remaining.pop(best)
        ordered.append(pattern)
        bound.update(term for term in pattern if _is_var(term))
    return ordered


_stats_by_store: weakref.WeakKeyDictionary[Any, PredicateStats] = weakref.WeakKeyDictionary()


def _evaluate(ctx: Any, part: Any) -> Any:
    if part.name != "BGP" or ctx.graph is None:
        raise NotImplementedError
    stats = _stats_by_store.get(ctx.graph.store)
    if stats is None:
        raise NotImplementedError  # not one of ours: rdflib's own evaluation
    from rdflib.plugins.sparql.evaluate import evalBGP

    bound = {term for pattern in part.triples for term in pattern
             if _is_var(term) and ctx[term] is not None}
    return evalBGP(ctx, plan(list(part.triples), stats, bound))


def enable(store: Any, triples: Iterable[tuple[Node, Node, Node]]) -> PredicateStats:
    """Plan BGPs over ``store`` (an rdflib store) from statistics over ``triples``.

    Call again after the store's contents change; the statistics are not maintained.
    """
    from rdflib.plugins.sparql import CUSTOM_EVALS

    stats = PredicateStats.collect(triples)
    _stats_by_store[store] = stats
    CUSTOM_EVALS.setdefault(_NAME, _evaluate)
    return stats
