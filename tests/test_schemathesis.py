"""Property-based API testing from the OpenAPI schema (schemathesis): for a bounded number of
generated requests per operation, no 5xx, and every response matches the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 10
# Rules the schema cannot express, so schema-valid requests may rightly be refused: a SPARQL query
# is free text (random text is answered 400); a map's parameters depend on its kind (a membership
# map needs an ISCM, an ego map an actor, a world ISCM map an ISCM: 422).
RULES_BEYOND_SCHEMA = {"/sparql", "/api/maps", "/api/maps/world", "/api/maps/world.{fmt}"}


def test_api_conforms_to_its_schema(http_server):
    """On one backend (the answers are the same on each: test_api_rest checks that)."""
    schema = schemathesis.openapi.from_url(http_server.base_url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 15
    failures: list[str] = []
    for operation in operations:
        excluded = [positive_data_acceptance] if operation.path in RULES_BEYOND_SCHEMA else []

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            # a hang guard only, far above any limit of the server (SPARQL and analytics stop at 10 s)
            case.call_and_validate(timeout=600, excluded_checks=excluded)  # noqa: B023 - run inside the loop

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)
