"""The column vocabulary of the membership tables: the one spelling of each column name.

``memberships`` (every sourced claim, :func:`graph.views.memberships`) and ``tenures`` (the claims
resolved by the time model, :mod:`graph.temporal`) share most columns. Code reads them as
``df[Col.ACTOR_ID]`` rather than ``df["actor_id"]``: a misspelt name is then an AttributeError at
import, not an empty filter at run time. ``Col`` members are strings, so pandas takes them as is.
"""

from __future__ import annotations

from enum import StrEnum


class Col(StrEnum):
    MEMBERSHIP = "membership"
    ORGANISATION = "organisation"
    ORGANISATION_ID = "organisation_id"
    ORGANISATION_LABEL = "organisation_label"
    ORGANISATION_TYPE = "organisation_type"
    ORGANISATION_KIND = "organisation_kind"
    ORGANISATION_STATUS = "organisation_status"
    ORGANISATION_START = "organisation_start"
    ORGANISATION_END = "organisation_end"
    ORGANISATION_END_REASON = "organisation_end_reason"
    ORGANISATION_END_INFERRED = "organisation_end_inferred"
    ACTOR = "actor"
    ACTOR_ID = "actor_id"
    ACTOR_LABEL = "actor_label"
    ACTOR_TYPE = "actor_type"
    ACTOR_REGION = "actor_region"
    ACTOR_SUBREGION = "actor_subregion"
    ROLE = "role"
    START = "start"
    START_PRECISION = "start_precision"
    START_INFERRED = "start_inferred"
    START_BASIS = "start_basis"
    END = "end"
    END_PRECISION = "end_precision"
    END_REASON = "end_reason"
    END_INFERRED = "end_inferred"
    LAST_SEEN = "last_seen"
    DERIVED = "derived"
    VIA = "via"
    AS_OF = "as_of"
    AS_OF_PRECISION = "as_of_precision"
    AS_OF_INFERRED = "as_of_inferred"
    SOURCE = "source"
    SOURCE_URL = "source_url"
    COMPLETE_LIST = "complete_list"
    EVIDENCE = "evidence"
    CLAIMS = "claims"
    GRAPH = "graph"
    CURRENT = "current"


def _names(*cols: Col) -> list[str]:
    return [c.value for c in cols]


MEMBERSHIP_COLUMNS = _names(
    Col.MEMBERSHIP, Col.ORGANISATION, Col.ORGANISATION_ID, Col.ORGANISATION_LABEL, Col.ORGANISATION_TYPE,
    Col.ACTOR, Col.ACTOR_ID, Col.ACTOR_LABEL, Col.ACTOR_TYPE, Col.ACTOR_REGION, Col.ACTOR_SUBREGION,
    Col.ROLE, Col.START, Col.END, Col.AS_OF, Col.SOURCE, Col.SOURCE_URL, Col.COMPLETE_LIST, Col.VIA, Col.GRAPH,
    # what the time model (graph.temporal) needs besides: precisions, inferred flags, the body's lifetime
    Col.START_PRECISION, Col.END_PRECISION, Col.AS_OF_PRECISION, Col.AS_OF_INFERRED,
    Col.ORGANISATION_KIND, Col.ORGANISATION_STATUS, Col.ORGANISATION_START, Col.ORGANISATION_END,
    Col.ORGANISATION_END_REASON, Col.ORGANISATION_END_INFERRED,
)
TENURE_COLUMNS = _names(
    Col.MEMBERSHIP, Col.ORGANISATION, Col.ORGANISATION_ID, Col.ORGANISATION_LABEL, Col.ORGANISATION_TYPE,
    Col.ORGANISATION_KIND, Col.ORGANISATION_STATUS,
    Col.ACTOR, Col.ACTOR_ID, Col.ACTOR_LABEL, Col.ACTOR_TYPE, Col.ACTOR_REGION, Col.ACTOR_SUBREGION,
    Col.ROLE, Col.START, Col.START_PRECISION, Col.START_INFERRED, Col.START_BASIS,
    Col.END, Col.END_PRECISION, Col.END_REASON, Col.END_INFERRED, Col.LAST_SEEN,
    Col.DERIVED, Col.VIA, Col.AS_OF, Col.AS_OF_PRECISION, Col.AS_OF_INFERRED, Col.SOURCE, Col.SOURCE_URL,
    Col.COMPLETE_LIST, Col.EVIDENCE, Col.CLAIMS, Col.GRAPH, Col.CURRENT,
)
