"""The SPARQL query mix: the same text for every engine (prefixes declared in each query, so neither
our endpoint's nor rdflib-endpoint's default prefixes matter).

The queries are written the way that suits rdflib best, so the comparison is against rdflib at its
fastest. rdflib orders the patterns of a basic graph pattern greedily by bound terms and runs them
as nested loops: in one flat pattern, ``?m1 org:role role:member`` and ``?m2 org:role role:member``
(two bound terms each) come first and join as a cartesian product. Written flat, with
``?i a iscm:ISCM . ?s a iscm:State``, ``multi_membership`` took over four minutes on rdflib at 1x
in a development run (oxigraph: 0.09 s). Nested groups are joined lazily in text order, and a DISTINCT
sub-select cuts the path query's fan-out, so each query below finishes on rdflib. Oxigraph plans
its own join order, so the form does not matter to it.
"""

from __future__ import annotations

PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX iscm: <https://w3id.org/iscm/ontology#>
PREFIX role: <https://w3id.org/iscm/role/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX state: <https://w3id.org/iscm/id/state/>
PREFIX iscmid: <https://w3id.org/iscm/id/iscm/>
"""

ISCM_ID = "synth-iscm-00000"  # exists at every synthetic scale
REAL_ISCM_ID = "budapest-process"
STATE = "MAR"  # the same State as the REST profile benchmark

NAMES = ("members", "multi_membership", "comembership", "three_hop")


def mix(scale: int, *, iscm_id: str = ISCM_ID, state: str = STATE) -> dict[str, str]:
    """name -> query. ``min_iscms`` grows with the scale so the answer stays the very active tail."""
    min_iscms = 10 * scale
    return {
        "members": PREFIXES + f"""
SELECT DISTINCT ?code ?label WHERE {{
  ?m org:organization iscmid:{iscm_id} ; org:role role:member ; iscm:current true ; org:member ?s .
  ?s iscm:isoAlpha3 ?code ; skos:prefLabel ?label .
}} ORDER BY ?code""",
        "multi_membership": PREFIXES + f"""
SELECT ?code (COUNT(DISTINCT ?i) AS ?n) WHERE {{
  ?m org:role role:member ; iscm:current true ; org:organization ?i ; org:member ?s .
  ?i iscm:kind ?kind .
  ?s iscm:isoAlpha3 ?code .
}} GROUP BY ?code HAVING (COUNT(DISTINCT ?i) >= {min_iscms}) ORDER BY DESC(?n) ?code""",
        "comembership": PREFIXES + f"""
SELECT ?other (COUNT(DISTINCT ?i) AS ?shared) WHERE {{
  {{ ?m1 org:member state:{state} ; org:role role:member ; iscm:current true ; org:organization ?i .
    ?i iscm:kind ?kind . }}
  {{ ?m2 org:organization ?i ; org:role role:member ; iscm:current true ; org:member ?o .
    ?o iscm:isoAlpha3 ?other . }}
  FILTER(?o != state:{state})
}} GROUP BY ?other ORDER BY DESC(?shared) ?other""",
        # State -> its ISCMs -> their members -> those members' ISCMs: how many ISCMs lie within
        # two steps of co-membership (a path query written as a 3-hop join)
        "three_hop": PREFIXES + f"""
SELECT (COUNT(DISTINCT ?far) AS ?reachable) WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{
      {{ ?m1 org:member state:{state} ; org:role role:member ; iscm:current true ; org:organization ?i . }}
      {{ ?m2 org:organization ?i ; org:role role:member ; iscm:current true ; org:member ?s . }} }} }}
  {{ ?m3 org:member ?s ; org:role role:member ; iscm:current true ; org:organization ?far .
    ?far iscm:kind ?kind . }}
}}""",
    }


# The request-path mix (issue 16.2): what a client of a SPARQL endpoint typically asks, from a cheap
# lookup to an all-pairs aggregate, compared with a bare Oxigraph server on the same release.
ENGINE_NAMES = ("per_iscm_count", "label_page", "lookup_50", "all_pairs")


def engine_mix(*, state: str = STATE) -> dict[str, str]:
    """name -> query; the same text at every scale (the answers grow with the data, LIMITs aside)."""
    member = "org:role role:member ; iscm:current true"
    return {
        # one aggregate row per ISCM: a GROUP BY over every current membership
        "per_iscm_count": PREFIXES + f"""
SELECT ?i (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?m org:organization ?i ; {member} ; org:member ?s . }}
GROUP BY ?i ORDER BY DESC(?n) ?i""",
        # a page of labels: 500 rows of strings in several languages, sorted
        "label_page": PREFIXES + """
SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?s ?label LIMIT 500""",
        # a State's roles with the ISCMs' labels: a small join, 50 rows
        "lookup_50": PREFIXES + f"""
SELECT ?i ?role ?label WHERE {{ ?m org:member state:{state} ; org:organization ?i ; org:role ?role .
  ?i skos:prefLabel ?label }} ORDER BY ?i ?role ?label LIMIT 50""",
        # every pair of States with the number of ISCMs they share (the engine computes all pairs; the
        # 5,000 closest come back, under the endpoint's row cap at every scale)
        "all_pairs": PREFIXES + f"""
SELECT ?a ?b (COUNT(?i) AS ?n) WHERE {{
  {{ SELECT DISTINCT ?i ?a WHERE {{ ?m1 org:member ?a ; {member} ; org:organization ?i }} }}
  {{ SELECT DISTINCT ?i ?b WHERE {{ ?m2 org:member ?b ; {member} ; org:organization ?i }} }}
  FILTER(STR(?a) < STR(?b))
}} GROUP BY ?a ?b ORDER BY DESC(?n) ?a ?b LIMIT 5000""",
    }
