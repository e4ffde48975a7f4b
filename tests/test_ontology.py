"""The ontology and the shapes: they parse, every term is documented, the namespace matches."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from graph.namespace import ISCM
from ontology import ONTOLOGY_PATH, SHAPES_PATH

NS = str(ISCM._NS)


def onto() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def test_ontology_and_shapes_parse():
    assert len(onto()) > 300
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    assert (None, RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")) in shapes


def test_every_term_has_label_and_comment():
    g = onto()
    terms = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith("https://w3id.org/iscm/")}
    assert len(terms) > 80
    missing = [str(t) for t in terms if g.value(t, RDFS.label) is None or g.value(t, RDFS.comment) is None]
    assert missing == []


def test_defined_namespace_matches_ontology_both_ways():
    g = onto()
    in_file = {str(s)[len(NS):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}
    in_code = set(ISCM.__annotations__)
    assert in_code == in_file


def test_reuses_w3c_vocabularies():
    g = onto()
    org = "http://www.w3.org/ns/org#"
    assert (ISCM.ISCM, RDFS.subClassOf, URIRef(org + "OrganizationalCollaboration")) in g
    # roles are SKOS concepts and org:Role, as org:role expects
    roles = set(g.subjects(SKOS.inScheme, ISCM.RoleScheme))
    assert {str(r).rsplit("/", 1)[1] for r in roles} >= {
        "member", "observer", "chair", "co-chair", "presidency-pro-tempore", "secretariat",
        "technical-support-unit", "steering-committee-member", "partner", "funder", "former-member"}
    assert all((r, RDF.type, URIRef(org + "Role")) in g for r in roles)
    assert (ISCM.asOf, RDFS.subPropertyOf, URIRef("http://purl.org/dc/terms/date")) in g
    assert (ISCM.Claim, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in g
    assert (None, RDF.type, OWL.Ontology) in g


def test_misspelt_term_fails():
    import pytest

    with pytest.raises(AttributeError):
        ISCM.Membersip  # noqa: B018


def test_kinds_and_statuses_match_the_ontology():
    """The API's kind and status parameters come from graph.namespace: they are the ontology's schemes."""
    from graph.catalog import Vocabulary
    from graph.namespace import ISCM_KINDS, ISCM_STATUSES

    vocab = Vocabulary.from_ontology(onto())
    assert set(ISCM_KINDS) == vocab.kinds
    assert set(ISCM_STATUSES) == vocab.statuses


def test_the_compiled_data_uses_only_defined_w3c_terms(tmp_path):
    """rdflib's TIME namespace only warns on an undefined term: compile the tiny data set with the
    warning as an error (time:inXSDGYear was minted this way; OWL-Time says inXSDgYear)."""
    import warnings
    from pathlib import Path

    from graph.build import build

    tiny = Path(__file__).resolve().parent / "fixtures" / "tiny"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*is not defined in namespace.*")
        build(tiny, tmp_path / "out")
