"""Every SPARQL query the package runs, by name — the one place a query is written.

Callers ask for a query by name: ``text("profile.iscm-themes", iri=...)`` gives the text with the
standard prefixes (:data:`graph.namespace.SPARQL_PREFIXES`) and its parameters filled in. A
parameter is written ``%name`` in a query (SPARQL keeps ``$name`` as a variable); an IRI parameter
stands inside angle brackets (``<%iri>``) and the caller passes the bare IRI of an entity it has
found in the graph, never user text. ``tests/test_queries.py`` parses every query with pyoxigraph
and runs it on the tiny data set.

Why so many small queries: the membership and meeting tables are assembled in pandas from one flat
query per property (a scan of one predicate each), which on every backend beats a star join over
every membership (at 100x the data on disk: 14 s for the star, 7 s for the scans).
"""

from __future__ import annotations

from string import Template

from graph.namespace import SPARQL_PREFIXES


class _Template(Template):
    delimiter = "%"  # not "$": that starts a SPARQL variable; our queries hold no percent-encoded IRI


def _select(select: str, where: str) -> str:
    return f"SELECT {select} WHERE {{ {where} }}"


# ------------------------------------------------------------------ the membership claims (graph.views)

MEMBERSHIP_REQUIRED = {  # required, in join order
    "membership": _select("?membership", "?membership a org:Membership"),
    "organisation": _select("?membership ?organisation", "?membership org:organization ?organisation"),
    "actor": _select("?membership ?actor", "?membership org:member ?actor"),
    "role": _select("?membership ?r", "?membership org:role ?r"),
    "as_of": _select("?membership ?as_of", "?membership iscm:asOf ?as_of"),
}
MEMBERSHIP_OPTIONAL = {
    "start": _select("?membership ?start", "?membership org:memberDuring/time:hasBeginning/time:inXSDDate ?start"),
    "end": _select("?membership ?end", "?membership org:memberDuring/time:hasEnd/time:inXSDDate ?end"),
    "complete_list": _select("?membership ?complete_list", "?membership iscm:completeList ?complete_list"),
    "via": _select("?membership ?via", "?membership iscm:via/dcterms:identifier ?via"),
    "start_precision": _select("?membership ?start_precision",
                               "?membership org:memberDuring/time:hasBeginning ?i . "
                               "{ ?i time:inXSDgYear [] BIND('year' AS ?start_precision) } UNION "
                               "{ ?i time:inXSDgYearMonth [] BIND('month' AS ?start_precision) }"),
    "end_precision": _select("?membership ?end_precision",
                             "?membership org:memberDuring/time:hasEnd ?i . "
                             "{ ?i time:inXSDgYear [] BIND('year' AS ?end_precision) } UNION "
                             "{ ?i time:inXSDgYearMonth [] BIND('month' AS ?end_precision) }"),
    "as_of_precision": _select("?membership ?as_of_precision", "?membership iscm:asOfPrecision ?as_of_precision"),
    "as_of_inferred": _select("?membership ?as_of_inferred", "?membership iscm:asOfInferred ?as_of_inferred"),
}

VIEWS = {
    # an organisation's lifetime, read by graph.temporal: established, and how and when it ended
    "lifetimes": _select(
        "?organisation ?kind ?status ?established ?ended ?dormant ?succeeded ?took_over",
        """?organisation a iscm:ISCM .
    OPTIONAL { ?organisation iscm:kind ?kind }
    OPTIONAL { ?organisation iscm:status ?status }
    OPTIONAL { ?claim iscm:subject ?organisation ; iscm:property iscm:established ; iscm:value ?established }
    OPTIONAL { ?organisation iscm:ended ?ended }
    OPTIONAL { ?organisation iscm:dormantSince ?dormant }
    OPTIONAL { ?change org:originalOrganization ?organisation ; dcterms:date ?succeeded }
    OPTIONAL { ?took org:resultingOrganization ?organisation ; dcterms:date ?took_over }"""),
    "status-claims": _select("?organisation ?value ?as_of",
                             "?claim iscm:subject ?organisation ; iscm:property iscm:status ; iscm:value ?value ; "
                             "iscm:asOf ?as_of . ?organisation a iscm:ISCM"),
    "membership-sources": _select("?membership ?source", "?membership prov:wasDerivedFrom ?source"),
    "source-pages": _select("?source ?source_url", "?source foaf:page ?source_url"),
    "membership-graphs": _select("?membership ?graph", "GRAPH ?graph { ?membership a org:Membership }"),
    "entities": """
SELECT ?entity ?id ?label ?type ?region ?subregion WHERE {
  ?entity dcterms:identifier ?id ; skos:prefLabel ?label .
  OPTIONAL { VALUES (?class ?type) { (iscm:ISCM "iscm") (iscm:RegionalUnion "union") (iscm:State "state")
                                     (iscm:LiaisonNetwork "network") (iscm:CapacityBuildingAction "action")
                                     (iscm:Event "event") }
             ?entity a ?class }
  OPTIONAL { ?entity iscm:region/skos:prefLabel ?region }
  OPTIONAL { ?entity iscm:subregion/skos:prefLabel ?subregion }
}""",
}

# ------------------------------------------------------------------ meetings (graph.events_analytics)

_EVENT = "?e a iscm:Event ; dcterms:identifier ?id ."
EVENT_PARTS = {
    "title": "?e rdfs:label ?v .",
    "iscm": "?e iscm:underISCM ?x . ?x dcterms:identifier ?v .",
    "level": "?e iscm:eventLevel ?v .",
    "start": "?e iscm:period ?p . ?p time:hasBeginning ?i . ?i time:inXSDDate ?v .",
    "end": "?e iscm:period ?p . ?p time:hasEnd ?i . ?i time:inXSDDate ?v .",
    "place": "?e iscm:place ?v .",
    "country": "?e iscm:hostCountry ?x . ?x dcterms:identifier ?v .",
    "participants_complete": "?e iscm:participantsComplete ?v .",
    "outcome": "?e iscm:outcome ?o . ?o dcterms:title ?v .",
    "outcome_url": "?e iscm:outcome ?o . ?o foaf:page ?v .",
    "url": "?e prov:wasDerivedFrom ?s . ?s foaf:page ?v .",
    "document": "?e prov:wasDerivedFrom ?s . ?s dcterms:isPartOf ?v .",
    "locator": "?e prov:wasDerivedFrom ?s . ?s iscm:locator ?v .",
    "as_of": "?e iscm:asOf ?v .",
    "as_of_inferred": "?e iscm:asOfInferred ?v .",
    "note": "?e rdfs:comment ?v .",
}
EVENT_ROLES = {"hosts": "iscm:host", "chairs": "iscm:chairedBy", "organisers": "iscm:organiser",
               "participants": "iscm:participant", "iscms": "iscm:participatingISCM"}
EVENTS = {
    "ids": f"SELECT DISTINCT ?id WHERE {{ {_EVENT} }}",
    **{f"part-{col}": _select("?id ?v", f"{_EVENT} {pattern}") for col, pattern in EVENT_PARTS.items()},
    **{f"role-{col}": _select("?id ?v", f"{_EVENT} ?e {pred} ?a . ?a dcterms:identifier ?v .")
       for col, pred in EVENT_ROLES.items()},
}

# ------------------------------------------------------------------ profiles and lists (graph.profiles)

_SOURCE_OF_C = """OPTIONAL { ?c prov:wasDerivedFrom ?src . OPTIONAL { ?src foaf:page ?url }
                 OPTIONAL { ?src rdfs:label ?lab } BIND(COALESCE(STR(?url), ?lab) AS ?source) }"""
PROFILES = {
    "names": """
SELECT ?id ?name WHERE {
  ?e dcterms:identifier ?id .
  { ?e skos:prefLabel ?name } UNION { ?e skos:altLabel ?name } UNION { ?e iscm:acronym ?name }
  UNION { ?e iscm:isoAlpha2 ?name } UNION { ?e iscm:isoAlpha3 ?name } }""",
    "iscm-facts": """
SELECT ?kind ?status ?established ?website ?acronym WHERE {
  <%iri> iscm:kind ?k . BIND(STRAFTER(STR(?k), "/kind/") AS ?kind)
  OPTIONAL { <%iri> iscm:status ?s . BIND(STRAFTER(STR(?s), "/status/") AS ?status) }
  OPTIONAL { <%iri> iscm:established ?established }
  OPTIONAL { <%iri> iscm:website ?website }
  OPTIONAL { <%iri> iscm:acronym ?acronym } } LIMIT 1""",
    "iscm-themes": 'SELECT ?t WHERE { <%iri> iscm:theme ?x . BIND(STRAFTER(STR(?x), "/theme/") AS ?t) }',
    # ORDER BY is total: engines order ties differently
    "iscm-claims": f"""
SELECT ?property ?value ?as_of ?source WHERE {{
  ?c a iscm:Claim ; iscm:subject <%iri> ; iscm:property ?p ; iscm:value ?v ; iscm:asOf ?as_of .
  BIND(STRAFTER(STR(?p), "#") AS ?property)
  BIND(IF(isIRI(?v), STRAFTER(STR(?v), "w3id.org/iscm/"), STR(?v)) AS ?value)
  {_SOURCE_OF_C}
}} ORDER BY ?property ?as_of ?value ?source""",
    "iscm-related": f"""
SELECT ?relation ?other ?intensity ?as_of ?source WHERE {{
  {{ ?c a iscm:Cooperation ; iscm:party <%iri> , ?o . FILTER(?o != <%iri>) BIND("cooperation" AS ?relation)
     OPTIONAL {{ ?c iscm:intensity ?i }} }}
  UNION {{ ?c a org:ChangeEvent ; org:resultingOrganization <%iri> ; org:originalOrganization ?o .
           BIND("predecessor" AS ?relation) }}
  UNION {{ ?c a org:ChangeEvent ; org:originalOrganization <%iri> ; org:resultingOrganization ?o .
           BIND("successor" AS ?relation) }}
  UNION {{ ?c a iscm:Association ; iscm:party <%iri> , ?o . FILTER(?o != <%iri>)
           BIND("associated union" AS ?relation) }}
  ?o dcterms:identifier ?other .
  ?c iscm:asOf ?as_of .
  BIND(STRAFTER(STR(?i), "/intensity/") AS ?intensity)
  {_SOURCE_OF_C}
}} ORDER BY ?relation ?other ?as_of ?intensity ?source""",
    "iscm-source-pages": "SELECT DISTINCT ?url WHERE { <%iri> prov:wasDerivedFrom/foaf:page ?url }",
    "state-actions": """
SELECT ?action ?title ?relation ?status WHERE {
  ?a a iscm:CapacityBuildingAction ; dcterms:identifier ?action ; rdfs:label ?title .
  { ?a iscm:expertsFrom <%iri> BIND("experts" AS ?relation) }
  UNION { ?a iscm:beneficiary <%iri> BIND("beneficiary" AS ?relation) }
  UNION { ?a iscm:requestingAuthority <%iri> BIND("requesting" AS ?relation) }
  OPTIONAL { ?a iscm:actionStatus ?s } BIND(STRAFTER(STR(?s), "/action-status/") AS ?status)
} ORDER BY ?action ?relation""",
    # hosted, or covered by officers based in a neighbouring country (a Frontex officer in Dakar covers Mauritania)
    "state-deployments": """
SELECT ?network ?purpose ?count ?since ?place ?covered_from WHERE {
  ?d a iscm:Deployment ; iscm:network/dcterms:identifier ?network .
  { ?d iscm:hostCountry <%iri> }
  UNION { ?d iscm:covers <%iri> ; iscm:hostCountry/iscm:isoAlpha3 ?covered_from }
  OPTIONAL { ?d iscm:purpose ?purpose } OPTIONAL { ?d iscm:officerCount ?count }
  OPTIONAL { ?d iscm:place ?place }
  OPTIONAL { ?d iscm:period/time:hasBeginning ?b OPTIONAL { ?b time:inXSDgYear ?y }
             OPTIONAL { ?b time:inXSDgYearMonth ?m } OPTIONAL { ?b time:inXSDDate ?day } }
  BIND(COALESCE(STR(?y), STR(?m), STR(?day)) AS ?since) }""",
    # ids other registries give our entities (skos:exactMatch to Wikidata)
    "identifiers": """
SELECT ?id ?match WHERE { ?e dcterms:identifier ?id ; skos:exactMatch ?match .
  FILTER(STRSTARTS(STR(?match), "http://www.wikidata.org/entity/Q")) }""",
    "iscms": """
SELECT ?id ?label ?kind ?status ?established WHERE {
  ?i a iscm:ISCM ; dcterms:identifier ?id ; skos:prefLabel ?label ; iscm:kind ?k .
  BIND(STRAFTER(STR(?k), "/kind/") AS ?kind)
  OPTIONAL { ?i iscm:status ?s } BIND(STRAFTER(STR(?s), "/status/") AS ?status)
  OPTIONAL { ?i iscm:established ?established } } ORDER BY ?id""",
    # an ISCM's name in one language (the page's labels)
    "iscm-alt-names": """
SELECT ?id ?name WHERE { ?i a iscm:ISCM ; dcterms:identifier ?id ; skos:altLabel ?name .
  FILTER(LANGMATCHES(LANG(?name), "%lang")) }""",
}

# ------------------------------------------------------------------ any entity (graph.details, linked data)

DETAILS = {
    "sources": """
SELECT ?src ?url ?title ?label ?publisher ?accessed ?locator ?doc ?kind ?published ?copy_of WHERE {
  ?src a iscm:Source .
  OPTIONAL { ?src foaf:page ?url } OPTIONAL { ?src dcterms:title ?title }
  OPTIONAL { ?src rdfs:label ?label } OPTIONAL { ?src dcterms:publisher ?publisher }
  OPTIONAL { ?src dcterms:date ?accessed } OPTIONAL { ?src iscm:locator ?locator }
  OPTIONAL { ?src dcterms:isPartOf/rdfs:label ?doc }
  OPTIONAL { ?src iscm:sourceKind ?k . BIND(STRAFTER(STR(?k), "/source-kind/") AS ?kind) }
  OPTIONAL { ?src dcterms:issued ?published } OPTIONAL { ?src iscm:copyOf ?copy_of } }""",
    "entity-facts": """
SELECT ?p ?plabel ?o ?olabel ?oid WHERE {
  <%iri> ?p ?o .
  OPTIONAL { ?p rdfs:label ?plabel FILTER(LANG(?plabel) = "" || LANGMATCHES(LANG(?plabel), "en")) }
  OPTIONAL { ?o skos:prefLabel|rdfs:label ?olabel }
  OPTIONAL { ?o dcterms:identifier ?oid } }""",
    "entity-period": """
SELECT ?start ?end WHERE { <%iri> iscm:period ?i .
  OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?start }
  OPTIONAL { ?i time:hasEnd/time:inXSDDate ?end } }""",
    "entity-sources": "SELECT ?s WHERE { <%iri> prov:wasDerivedFrom ?s }",
    "entity-exists": "ASK { <%iri> ?p ?o }",
    # the entity's own triples plus the fact nodes about it (memberships, claims, cooperation)
    "entity-describe": """
CONSTRUCT { <%iri> ?p ?o . ?f ?fp ?fo . } WHERE {
  { <%iri> ?p ?o }
  UNION { ?f org:member|org:organization|iscm:subject|iscm:party <%iri> . ?f ?fp ?fo . }
}""",
}

# ------------------------------------------------------------------ releases and stores

RELEASE = {
    # each named graph and its triples (the SPARQL service description lists them)
    "graph-sizes": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    # a remote store's graphs of this data set (a server may keep graphs of its own beside them)
    "remote-graphs": 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "%prefix")) }',
    "remote-size": 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "%prefix")) }',
    # every ISCM fact claim, one row per claim and source (graph.changes: what changed between releases)
    "facts": """
SELECT ?subject_id ?property ?value ?source ?source_url ?as_of ?detail WHERE {
  {
    ?f a iscm:Claim ; iscm:subject/dcterms:identifier ?subject_id ; iscm:property ?p ; iscm:value ?v .
    BIND(REPLACE(STR(?p), "^.*[#/]", "") AS ?property)
    OPTIONAL { ?v dcterms:identifier ?vid }
    BIND(COALESCE(?vid, REPLACE(STR(?v), "^.*/", "")) AS ?value)
  } UNION {
    ?f a org:ChangeEvent ; org:originalOrganization/dcterms:identifier ?subject_id ;
       org:resultingOrganization/dcterms:identifier ?value .
    BIND("succeededBy" AS ?property)
    OPTIONAL { ?f dcterms:date ?d } BIND(STR(?d) AS ?detail)
  } UNION {
    ?f a iscm:Association ; iscm:party ?s , ?o .
    ?s a iscm:ISCM ; dcterms:identifier ?subject_id . ?o dcterms:identifier ?value . FILTER(?s != ?o)
    BIND("associatedWith" AS ?property)
  } UNION {
    ?f a iscm:Cooperation ; iscm:party ?s , ?o ; iscm:intensity ?i .
    ?s a iscm:ISCM ; dcterms:identifier ?subject_id . ?o dcterms:identifier ?value . FILTER(?s != ?o)
    BIND("cooperatesWith" AS ?property) BIND(REPLACE(STR(?i), "^.*/", "") AS ?detail)
  }
  ?f prov:wasDerivedFrom ?source ; iscm:asOf ?as_of .
  ?source a iscm:Source .
  OPTIONAL { ?source foaf:page ?source_url }
}""",
}

# ------------------------------------------------------------------ counts (graph.stats)

STATS = {
    # each membership claim and the kind of each source it rests on (iscm stats: share on primary/IGO sources)
    "membership-source-kinds": """
SELECT ?m ?k WHERE { ?m a org:Membership ; prov:wasDerivedFrom ?s .
  OPTIONAL { ?s iscm:sourceKind ?kc . BIND(STRAFTER(STR(?kc), "/source-kind/") AS ?k) } }""",
    "class-counts": "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { VALUES (?c) { %values } "
                    "OPTIONAL { ?s a ?c } } GROUP BY ?c",
    "membership-provenance": """
SELECT (COUNT(DISTINCT ?m) AS ?n) (COUNT(DISTINCT ?ms) AS ?with_source) (COUNT(DISTINCT ?md) AS ?with_date)
WHERE { ?m a org:Membership .
        OPTIONAL { ?m prov:wasDerivedFrom ?s . ?s a iscm:Source . BIND(?m AS ?ms) }
        OPTIONAL { ?m iscm:asOf ?d . BIND(?m AS ?md) } }""",
    # ?i's own facts first: Oxigraph keeps this order, and from ?src first it took 16 s, not 0.1 s
    "iscm-sources": """
SELECT ?id ?kind ?status (COUNT(DISTINCT ?src) AS ?sources) WHERE {
  ?i a iscm:ISCM ; dcterms:identifier ?id ; iscm:kind ?k .
  BIND(STRAFTER(STR(?k), "/kind/") AS ?kind)
  OPTIONAL { ?i iscm:status ?st . BIND(STRAFTER(STR(?st), "/status/") AS ?status) }
  { ?i prov:wasDerivedFrom ?src } UNION { ?f org:organization ?i . ?f prov:wasDerivedFrom ?src }
  UNION { ?f iscm:subject ?i . ?f prov:wasDerivedFrom ?src }
} GROUP BY ?id ?kind ?status ORDER BY ?id""",
}

# ------------------------------------------------------------------ the wider partnership network (graph.partnership)

_FROM_ACTION = "OPTIONAL { ?b prov:wasDerivedFrom/iscm:locator ?source } }"
PARTNERSHIP_EDGES = {
    "cooperation": """
SELECT ?a ?b ?role ?source WHERE {
  ?c a iscm:Cooperation ; iscm:party ?a , ?b . FILTER(STR(?a) < STR(?b))
  OPTIONAL { ?c iscm:intensity ?i } BIND(COALESCE(STRAFTER(STR(?i), "/intensity/"), "") AS ?role)
  OPTIONAL { ?c prov:wasDerivedFrom/foaf:page ?source } }""",
    "association": """
SELECT ?a ?b ("formal" AS ?role) ?source WHERE {
  ?c a iscm:Association ; iscm:party ?a , ?b . ?a a iscm:ISCM . FILTER(?a != ?b)
  OPTIONAL { ?c prov:wasDerivedFrom/foaf:page ?source } }""",
    "succession": """
SELECT ?a ?b ("succeeded by" AS ?role) ?source WHERE {
  ?c a org:ChangeEvent ; org:originalOrganization ?a ; org:resultingOrganization ?b .
  OPTIONAL { ?c prov:wasDerivedFrom/foaf:page ?source } }""",
    "expert": """
SELECT ?a ?b ("experts" AS ?role) ?source WHERE {
  ?b a iscm:CapacityBuildingAction ; iscm:expertsFrom ?a .
  OPTIONAL { ?b prov:wasDerivedFrom ?s OPTIONAL { ?s foaf:page ?u } OPTIONAL { ?s iscm:locator ?l }
             BIND(COALESCE(STR(?u), ?l) AS ?source) } }""",
    "beneficiary": """
SELECT ?a ?b ("beneficiary" AS ?role) ?source WHERE {
  ?b a iscm:CapacityBuildingAction ; iscm:beneficiary ?a .
  OPTIONAL { ?b prov:wasDerivedFrom ?s OPTIONAL { ?s foaf:page ?u } OPTIONAL { ?s iscm:locator ?l }
             BIND(COALESCE(STR(?u), ?l) AS ?source) } }""",
    "requesting": """
SELECT ?a ?b ("requesting" AS ?role) ?source WHERE {
  ?b a iscm:CapacityBuildingAction ; iscm:requestingAuthority ?a .
  OPTIONAL { ?b prov:wasDerivedFrom ?s OPTIONAL { ?s foaf:page ?u } OPTIONAL { ?s iscm:locator ?l }
             BIND(COALESCE(STR(?u), ?l) AS ?source) } }""",
    "programme": """
SELECT ?a ?b ("programme" AS ?role) ?source WHERE {
  ?b a iscm:CapacityBuildingAction ; iscm:programme ?a .
  OPTIONAL { ?b prov:wasDerivedFrom ?s OPTIONAL { ?s foaf:page ?u } OPTIONAL { ?s iscm:locator ?l }
             BIND(COALESCE(STR(?u), ?l) AS ?source) } }""",
    "deployment": """
SELECT ?a ?b ?role ?source WHERE {
  ?d a iscm:Deployment ; iscm:network ?a ; iscm:hostCountry ?b .
  OPTIONAL { ?d iscm:purpose ?role }
  OPTIONAL { ?d prov:wasDerivedFrom ?s OPTIONAL { ?s foaf:page ?u } OPTIONAL { ?s iscm:locator ?l }
             BIND(COALESCE(STR(?u), ?l) AS ?source) } }""",
    "event": """
SELECT ?a ?b ?role ?source WHERE {
  { ?b a iscm:Event ; iscm:host ?a BIND("host" AS ?role) }
  UNION { ?b a iscm:Event ; iscm:organiser ?a BIND("organiser" AS ?role) }
  UNION { ?b a iscm:Event ; iscm:participant ?a BIND("participant" AS ?role) }
  UNION { ?b a iscm:Event ; iscm:chairedBy ?a BIND("chair" AS ?role) }
  UNION { ?b a iscm:Event ; iscm:participatingISCM ?a BIND("participating ISCM" AS ?role) }
  UNION { ?b a iscm:Event ; iscm:underISCM ?a BIND("held under" AS ?role) }
  OPTIONAL { ?b prov:wasDerivedFrom ?s OPTIONAL { ?s foaf:page ?url } OPTIONAL { ?s iscm:locator ?loc }
             BIND(COALESCE(STR(?url), ?loc) AS ?source) } }""",
}
PARTNERSHIP = {
    **{f"edges-{kind}": q for kind, q in PARTNERSHIP_EDGES.items()},
    "expert-flows": """
SELECT ?expert ?beneficiary ?action WHERE {
  ?a a iscm:CapacityBuildingAction ; dcterms:identifier ?action ;
     iscm:expertsFrom/dcterms:identifier ?expert ; iscm:beneficiary/dcterms:identifier ?beneficiary }""",
}

# ------------------------------------------------------------------ actions, deployments, networks (graph.partners)

_PARTNERS_SOURCE = """OPTIONAL { ?x prov:wasDerivedFrom ?src
               OPTIONAL { ?src foaf:page ?url } OPTIONAL { ?src dcterms:isPartOf ?doc }
               OPTIONAL { ?src iscm:locator ?loc } }
             OPTIONAL { ?x iscm:asOf ?as_of }"""
# a start and an end with the precision the source gave: a day, a month or a year
_PARTNERS_PERIOD = """OPTIONAL { ?x iscm:period/time:hasBeginning ?b .
               OPTIONAL { ?b time:inXSDDate ?start_date } OPTIONAL { ?b time:inXSDgYearMonth ?start_month }
               OPTIONAL { ?b time:inXSDgYear ?start_year } }
             OPTIONAL { ?x iscm:period/time:hasEnd ?e .
               OPTIONAL { ?e time:inXSDDate ?end_date } OPTIONAL { ?e time:inXSDgYearMonth ?end_month }
               OPTIONAL { ?e time:inXSDgYear ?end_year } }"""
_PARTNERS_DATES = "?url ?doc ?loc ?as_of ?start_date ?start_month ?start_year ?end_date ?end_month ?end_year"
# multi-valued properties, one query each: (subject class, property)
PARTNERS_LISTS = {
    "action-partners": ("iscm:CapacityBuildingAction", "iscm:beneficiary"),
    "action-experts-from": ("iscm:CapacityBuildingAction", "iscm:expertsFrom"),
    "action-non-state-experts-from": ("iscm:CapacityBuildingAction", "iscm:nonStateExpertsFrom"),
    "action-expert-types": ("iscm:CapacityBuildingAction", "iscm:expertType"),
    "action-themes": ("iscm:CapacityBuildingAction", "iscm:theme"),
    "deployment-deployed-by": ("iscm:Deployment", "iscm:deployedBy"),
    "deployment-covers": ("iscm:Deployment", "iscm:covers"),
    "network-legal-basis": ("iscm:LiaisonNetwork", "iscm:legalBasis"),
}
PARTNERS = {
    "actions": f"""
SELECT ?x ?id ?title ?programme ?status ?region ?req_actor ?req_name ?req_desc ?topic ?g
       {_PARTNERS_DATES} WHERE {{
  GRAPH ?g {{ ?x a iscm:CapacityBuildingAction ; dcterms:identifier ?id ; rdfs:label ?title .
    OPTIONAL {{ ?x iscm:programme ?p }} BIND(STRAFTER(STR(?p), "/org/") AS ?programme)
    OPTIONAL {{ ?x iscm:actionStatus ?s }} BIND(STRAFTER(STR(?s), "/action-status/") AS ?status)
    OPTIONAL {{ ?x iscm:place ?region }} OPTIONAL {{ ?x iscm:topic ?topic }}
    OPTIONAL {{ ?x iscm:requestingAuthority ?req_actor }}
    OPTIONAL {{ ?x iscm:requestingAuthorityName ?req_name }}
    OPTIONAL {{ ?x dcterms:description ?req_desc FILTER(STRSTARTS(?req_desc, "Requesting authority: ")) }}
    {_PARTNERS_SOURCE} {_PARTNERS_PERIOD} }} }}""",
    "deployments": f"""
SELECT ?x ?network ?network_label ?host ?place ?purpose ?officers ?approximate ?g
       {_PARTNERS_DATES} WHERE {{
  GRAPH ?g {{ ?x a iscm:Deployment ; iscm:network ?n .
    OPTIONAL {{ ?x iscm:hostCountry ?host }} OPTIONAL {{ ?x iscm:place ?place }}
    OPTIONAL {{ ?x iscm:purpose ?purpose }}
    OPTIONAL {{ ?x iscm:officerCount ?officers }} OPTIONAL {{ ?x iscm:approximate ?approximate }}
    {_PARTNERS_SOURCE} {_PARTNERS_PERIOD} }}
  BIND(STRAFTER(STR(?n), "/network/") AS ?network)
  OPTIONAL {{ GRAPH <https://w3id.org/iscm/graph/curated> {{ ?n skos:prefLabel ?curated_label }} }}
  OPTIONAL {{ ?n skos:prefLabel ?any_label }}
  BIND(COALESCE(?curated_label, ?any_label) AS ?network_label) }}""",
    "networks": """
SELECT ?n ?id ?label ?curated_label ?acronym ?parent ?officers ?approximate WHERE {
  ?n a iscm:LiaisonNetwork ; dcterms:identifier ?id ; skos:prefLabel ?label .
  OPTIONAL { GRAPH <https://w3id.org/iscm/graph/curated> { ?n skos:prefLabel ?curated_label } }
  OPTIONAL { ?n iscm:acronym ?acronym } OPTIONAL { ?n org:subOrganizationOf/dcterms:identifier ?parent }
  OPTIONAL { ?n iscm:officerCount ?officers } OPTIONAL { ?n iscm:approximate ?approximate } }""",
    # several sources may give a network's officer count: each claim with its date
    "officer-counts": f"""
SELECT ?n ?value ?approximate ?url ?doc ?loc ?as_of WHERE {{
  ?x a iscm:Claim ; iscm:subject ?n ; iscm:property iscm:officerCount ; iscm:value ?value .
  ?n a iscm:LiaisonNetwork . OPTIONAL {{ ?x iscm:approximate ?approximate }} {_PARTNERS_SOURCE} }}""",
    **{name: _select("?x ?v", f"?x a {cls} ; {prop} ?v") for name, (cls, prop) in PARTNERS_LISTS.items()},
}

# ------------------------------------------------------------------ examples on the SPARQL page (api.pages)

EXAMPLES = {
    "Members of the IGC today": """SELECT DISTINCT ?code ?name WHERE {
  ?m org:organization iscmid:igc ; org:role role:member ; iscm:current true ;
     org:member ?s .
  ?s iscm:isoAlpha3 ?code ; skos:prefLabel ?name .
} ORDER BY ?code""",
    "States in at least 10 ISCMs": """SELECT ?code (COUNT(DISTINCT ?i) AS ?iscms) WHERE {
  ?m a org:Membership ; org:role role:member ; iscm:current true ;
     org:organization ?i ; org:member ?s .
  ?i a iscm:ISCM . ?s iscm:isoAlpha3 ?code .
} GROUP BY ?code HAVING (COUNT(DISTINCT ?i) >= 10) ORDER BY DESC(?iscms) ?code""",
    "States in both the Budapest and Prague Processes": """SELECT DISTINCT ?code WHERE {
  ?a org:organization iscmid:budapest-process ; org:role role:member ; iscm:current true ; org:member ?s .
  ?b org:organization iscmid:prague-process ; org:role role:member ; iscm:current true ; org:member ?s .
  ?s iscm:isoAlpha3 ?code .
} ORDER BY ?code""",
    "Where each membership fact comes from": """SELECT ?iscm ?state ?role ?asOf ?source WHERE {
  ?m a org:Membership ; org:organization/dcterms:identifier ?iscm ; org:member/dcterms:identifier ?state ;
     org:role ?role ; iscm:asOf ?asOf ; prov:wasDerivedFrom/foaf:page ?source .
} LIMIT 50""",
    "ISCMs and their successors": """SELECT ?from ?to ?year WHERE {
  ?c a org:ChangeEvent ; org:originalOrganization/dcterms:identifier ?from ;
     org:resultingOrganization/dcterms:identifier ?to .
  OPTIONAL { ?c dcterms:date ?year }
}""",
    "Describe Morocco (Turtle)": "DESCRIBE state:MAR",
}

# every named query: "<group>.<name>"
QUERIES: dict[str, str] = {
    **{f"membership.{k}": q for k, q in {**MEMBERSHIP_REQUIRED, **MEMBERSHIP_OPTIONAL}.items()},
    **{f"views.{k}": q for k, q in VIEWS.items()},
    **{f"events.{k}": q for k, q in EVENTS.items()},
    **{f"profile.{k}": q for k, q in PROFILES.items()},
    **{f"details.{k}": q for k, q in DETAILS.items()},
    **{f"release.{k}": q for k, q in RELEASE.items()},
    **{f"stats.{k}": q for k, q in STATS.items()},
    **{f"partnership.{k}": q for k, q in PARTNERSHIP.items()},
    **{f"partners.{k}": q for k, q in PARTNERS.items()},
}


def text(name: str, **params: str) -> str:
    """The query ``name`` with the standard prefixes and its ``%parameters`` filled in (a missing
    parameter is a KeyError naming it)."""
    return SPARQL_PREFIXES + _Template(QUERIES[name]).substitute(params)


def parameters(name: str) -> list[str]:
    """The ``%parameters`` the query ``name`` needs."""
    return _Template(QUERIES[name]).get_identifiers()
