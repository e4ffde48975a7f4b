"""The build: real data validates; bad records fail with their file, line and record; atomic releases."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

import pytest
from conftest import TINY, run_iscm

from graph.build import BuildLockedError, build, build_lock, current_release
from graph.errors import DataErrors


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(TINY, dst)
    return dst


def test_real_data_builds_and_validates(built: Path):
    release = current_release(built)
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["validated"] is True
    assert manifest["triples"] > 10_000
    for name in ("iscm.nq", "iscm.ttl", "iscm.nt", "iscm.jsonld"):
        assert (release / name).stat().st_size > 0
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == manifest["sha256"][name]


def test_artefacts_parse_as_rdf(tiny_built: Path):
    from rdflib import Graph

    release = current_release(tiny_built)
    n = len(Graph().parse(release / "iscm.nt", format="nt"))
    assert len(Graph().parse(release / "iscm.ttl", format="turtle")) == n
    assert len(Graph().parse(release / "iscm.jsonld", format="json-ld")) == n


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _error_for(data: Path) -> str:
    with pytest.raises(DataErrors) as info:
        build(data, data.parent / "out")
    return str(info.value)


def test_missing_source_names_the_record(tiny_copy: Path):
    block = "    as_of: 2020-06-01\n    complete: true\n    actors: [MAR, ESP, SEN]"
    _edit(tiny_copy / "iscms" / "alpha-process.yaml", "    source: ap-2020\n" + block, block)
    msg = _error_for(tiny_copy)
    assert "iscms/alpha-process.yaml:" in msg
    assert "memberships[1]" in msg and "missing required key 'source'" in msg


def test_undefined_source_key_names_the_record(tiny_copy: Path):
    _edit(tiny_copy / "iscms" / "beta-forum.yaml", "source: bf\n    as_of: 2021-01-01\n    complete: true",
          "source: nowhere\n    as_of: 2021-01-01\n    complete: true")
    msg = _error_for(tiny_copy)
    assert "iscms/beta-forum.yaml:11: memberships[0].source: source 'nowhere' is not defined" in msg


def test_an_alternative_name_citing_an_undefined_source_is_located(tiny_copy: Path):
    path = tiny_copy / "iscms" / "beta-forum.yaml"
    path.write_text(path.read_text().replace("name: Beta Forum\n", "name: Beta Forum\nalt_names:\n"
                                             "  - {text: Foro Beta, lang: es, source: bf}\n"
                                             "  - {text: Forum Bêta, lang: fr, source: nowhere}\n", 1))
    msg = _error_for(tiny_copy)
    assert "iscms/beta-forum.yaml:5: alt_names[1].source: source 'nowhere' is not defined" in msg
    assert "alt_names[0]" not in msg


def test_unknown_country_names_file_line_and_record(tiny_copy: Path):
    _edit(tiny_copy / "iscms" / "alpha-process.yaml", "actors: [MAR, ESP, FRA]", "actors: [MAR, ESP, XYZ]")
    msg = _error_for(tiny_copy)
    assert "iscms/alpha-process.yaml:22: memberships[0].actors[2]: unknown country code 'XYZ'" in msg


def test_country_name_instead_of_code_gets_a_hint(tiny_copy: Path):
    _edit(tiny_copy / "iscms" / "alpha-process.yaml", "actors: [MAR, ESP, FRA]", "actors: [MAR, ESP, France]")
    assert "did you mean FRA?" in _error_for(tiny_copy)


def test_bad_date_names_the_record(tiny_copy: Path):
    _edit(tiny_copy / "iscms" / "alpha-process.yaml", "as_of: 2010-06-01\n    complete: true",
          "as_of: 2010-13-45\n    complete: true")
    msg = _error_for(tiny_copy)
    assert "iscms/alpha-process.yaml:20: memberships[0].as_of" in msg


def test_bad_period_and_unknown_role_and_typo_key(tiny_copy: Path):
    f = tiny_copy / "iscms" / "alpha-process.yaml"
    _edit(f, "since: 2019\n    until: 2020", "since: 2021\n    until: 2020")
    _edit(f, "  status:", "  statsu:")
    _edit(tiny_copy / "iscms" / "beta-forum.yaml", "role: secretariat", "role: secretriat")
    msg = _error_for(tiny_copy)
    assert "since 2021 is after until 2020" in msg
    assert "beta-forum.yaml:19: memberships[2].role: role 'secretriat' is not one of" in msg
    assert "unknown key 'statsu'" in msg


def test_yaml_syntax_error_names_the_line(tiny_copy: Path):
    (tiny_copy / "iscms" / "beta-forum.yaml").write_text("id: beta-forum\nname: [unclosed\n")
    msg = _error_for(tiny_copy)
    assert "iscms/beta-forum.yaml:" in msg and "YAML syntax error" in msg


def test_failed_build_leaves_previous_release_byte_identical(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(tiny_copy, out)
    before_link = (out / "current").readlink()
    before = tree_digest(out / "current")
    _edit(tiny_copy / "iscms" / "alpha-process.yaml", "actors: [MAR, ESP, FRA]", "actors: [MAR, ESP, XYZ]")
    proc = run_iscm("build", "--data", str(tiny_copy), "--out", str(out))
    assert proc.returncode == 1
    assert "unknown country code 'XYZ'" in proc.stderr and "nothing was published" in proc.stderr
    assert (out / "current").readlink() == before_link
    assert tree_digest(out / "current") == before
    assert not [p for p in (out / "releases").iterdir() if p.name.startswith(".staging")]


def test_rebuild_publishes_new_release_and_keeps_previous(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = build(tiny_copy, out).release
    _edit(tiny_copy / "iscms" / "alpha-process.yaml", "actors: [MAR, ESP, FRA]", "actors: [MAR, ESP, FRA, ITA]")
    second = build(tiny_copy, out).release
    assert first != second and first.exists()
    assert current_release(out) == second


def test_concurrent_builds_are_serialised(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    with build_lock(out), pytest.raises(BuildLockedError), build_lock(out, wait=0.2):
        pass
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(build(tiny_copy, out).release)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    assert current_release(out) in results


def test_validate_command_accepts_valid_data():
    # the real data's validation is the `built` fixture's build (the same code path, with SHACL)
    proc = run_iscm("validate", "--data", str(TINY))
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stderr


# ------------------------------------------------------------------ the SHACL shapes catch what they promise

def _validate_with(tiny_copy: Path, mutate) -> str:
    """Compile the tiny data, break the graph with ``mutate(graph)``, return the validation error."""
    from graph.build import compile_dataset, load_ontology, validate_shapes
    from graph.errors import ValidationError

    ontology = load_ontology()
    dataset = compile_dataset(tiny_copy, ontology)
    validate_shapes(dataset, ontology)  # the tiny data itself conforms
    from graph.compiler import CURATED_GRAPH

    mutate(dataset.graph(CURATED_GRAPH))
    with pytest.raises(ValidationError) as info:
        validate_shapes(dataset, ontology)
    return str(info.value)


def test_shapes_reject_an_interval_that_ends_before_it_begins(tiny_copy: Path):
    from rdflib import RDF, XSD, Literal, URIRef

    from graph.namespace import TIME

    def backwards(g):
        i, b, e = URIRef("urn:test:interval"), URIRef("urn:test:b"), URIRef("urn:test:e")
        g.add((i, RDF.type, TIME.Interval))
        g.add((i, TIME.hasBeginning, b))
        g.add((i, TIME.hasEnd, e))
        g.add((b, TIME.inXSDDate, Literal("2020-01-01", datatype=XSD.date)))
        g.add((e, TIME.inXSDDate, Literal("2019-06-30", datatype=XSD.date)))

    msg = _validate_with(tiny_copy, backwards)
    assert "urn:test:interval" in msg and "ends before it begins" in msg


def test_shapes_reject_an_unflagged_user_assigned_code(tiny_copy: Path):
    from rdflib import Literal

    from graph.namespace import ISCM, entity

    msg = _validate_with(tiny_copy, lambda g: g.add((entity("state", "XYZ"), ISCM.isoAlpha3, Literal("XYZ"))))
    assert "state/XYZ" in msg and "user-assigned" in msg


def test_shapes_reject_a_role_outside_the_role_scheme(tiny_copy: Path):
    from rdflib import RDF, URIRef

    from graph.namespace import ORG

    def bad_role(g):
        m = next(g.subjects(RDF.type, ORG.Membership))
        g.remove((m, ORG.role, None))
        g.add((m, ORG.role, URIRef("urn:test:not-a-role")))

    msg = _validate_with(tiny_copy, bad_role)
    assert "urn:test:not-a-role" in msg and "role scheme" in msg


# ------------------------------------------------------------------ bad data that used to escape the located path

def test_a_folder_named_yaml_is_located(tiny_copy: Path):
    (tiny_copy / "iscms" / "oops.yaml").mkdir()
    msg = _error_for(tiny_copy)
    assert "iscms/oops.yaml: is a folder, not a YAML file" in msg


@pytest.mark.parametrize("bad", ['https://example.org/a"b', "https://example.org/{x}", "https://example.org/a b",
                                 "javascript:alert(1)", "https://exa mple.org/"])
def test_a_bad_source_url_is_located_with_a_hint(tiny_copy: Path, bad: str):
    quoted = bad.replace('"', '\\"')
    _edit(tiny_copy / "iscms" / "beta-forum.yaml", 'url: "https://example.org/beta"', f'url: "{quoted}"')
    msg = _error_for(tiny_copy)
    assert "iscms/beta-forum.yaml:5: sources.bf.url" in msg
    assert "percent-encode" in msg or "http(s) URL" in msg


@pytest.mark.parametrize("bad", ["javascript:alert(1)", 'https://example.org/"onmouseover=x', "https://ex.org/{a}"])
def test_website_is_validated_as_an_http_iri(tiny_copy: Path, bad: str):
    quoted = bad.replace('"', '\\"')
    _edit(tiny_copy / "iscms" / "beta-forum.yaml", "kind: interregional-forum",
          f'kind: interregional-forum\nwebsite: "{quoted}"')
    msg = _error_for(tiny_copy)
    assert "iscms/beta-forum.yaml:4: website" in msg
    _edit(tiny_copy / "iscms" / "beta-forum.yaml", f'website: "{quoted}"', "website: https://example.org/beta")
    build(tiny_copy, tiny_copy.parent / "ok")  # a good website passes


def test_an_organisation_website_is_validated(tiny_copy: Path):
    _edit(tiny_copy / "organisations.yaml", "  type: igo\n", "  type: igo\n  website: javascript:alert(1)\n")
    msg = _error_for(tiny_copy)
    assert "organisations.yaml:" in msg and "[0].website: not an http(s) URL" in msg


def test_yaml_nested_thousands_deep_is_located(tiny_copy: Path):
    deep = "notes: " + "[" * 5000 + "]" * 5000 + "\n"
    path = tiny_copy / "iscms" / "beta-forum.yaml"
    path.write_text(path.read_text() + deep)
    msg = _error_for(tiny_copy)
    assert "iscms/beta-forum.yaml:" in msg and "nested more than" in msg
    line = int(msg.split("iscms/beta-forum.yaml:")[1].split(":")[0])
    assert line == len(path.read_text().splitlines())


def test_block_nesting_thousands_deep_is_located(tiny_copy: Path):
    deep = "notes:\n" + "".join(" " * i + "- \n" for i in range(1, 400))
    path = tiny_copy / "iscms" / "beta-forum.yaml"
    path.write_text(path.read_text() + deep)
    assert "nested more than" in _error_for(tiny_copy)


@pytest.mark.parametrize(("old", "new", "where"), [
    ("{value: active, source: ap-2020", "{value: [active], source: ap-2020", "facts.status[0].value"),
    ("{value: beta-forum, intensity", "{value: {id: beta-forum}, intensity", "facts.cooperates_with[0].value"),
    ("{value: [labour-migration, border-management]", "{value: [[labour-migration]]", "facts.themes[0].value"),
    ("actors: [MAR, ESP, FRA]", "actors: [[MAR], ESP, FRA]", "memberships[0].actors[0]"),
    ("id: alpha-process", "id: [alpha-process]", "id"),
])
def test_a_list_or_mapping_where_an_id_is_expected(tiny_copy: Path, old: str, new: str, where: str):
    _edit(tiny_copy / "iscms" / "alpha-process.yaml", old, new)
    msg = _error_for(tiny_copy)
    assert "iscms/alpha-process.yaml:" in msg and where in msg, msg


# ------------------------------------------------------------------ a build that explains itself

def test_one_bad_file_reports_itself_and_no_echo_elsewhere(tiny_copy: Path):
    (tiny_copy / "unions" / "north-union.yaml").write_text("id: north-union\nname: [unclosed\n")
    with pytest.raises(DataErrors) as info:
        build(tiny_copy, tiny_copy.parent / "out")
    assert [e.path for e in info.value.errors] == ["data/unions/north-union.yaml"]  # not beta-forum's via


def test_an_unreadable_organisations_file_does_not_cascade(tiny_copy: Path):
    (tiny_copy / "organisations.yaml").write_text("- id: secretariat-org\n  name: [unclosed\n")
    with pytest.raises(DataErrors) as info:
        build(tiny_copy, tiny_copy.parent / "out")
    assert [e.path for e in info.value.errors] == ["data/organisations.yaml"]


def test_a_shacl_violation_names_file_line_and_record_and_the_working_tree_ontology_counts(tiny_copy: Path):
    """The build reads ontology/ beside data/ (no reinstall); a shape added there that the data breaks
    is reported at the record that produced the node, not only at a hashed IRI."""
    from ontology import ONTOLOGY_PATH, SHAPES_PATH

    onto = tiny_copy.parent / "ontology"
    onto.mkdir()
    shutil.copy(ONTOLOGY_PATH, onto / ONTOLOGY_PATH.name)
    (onto / SHAPES_PATH.name).write_text(SHAPES_PATH.read_text() + """
shape:NoChairs a sh:NodeShape ;
    sh:targetClass org:Membership ;
    sh:property [ sh:path org:role ; sh:not [ sh:hasValue <https://w3id.org/iscm/role/chair> ] ;
                  sh:message "test shape: no chairs" ] .
""")
    proc = run_iscm("build", "--data", str(tiny_copy), "--out", str(tiny_copy.parent / "out"))
    assert proc.returncode == 1
    lines = (tiny_copy / "iscms" / "alpha-process.yaml").read_text().splitlines()
    chair_line = next(i for i, line in enumerate(lines, 1) if "role: chair" in line)
    assert f"data/iscms/alpha-process.yaml:{chair_line}: alpha-process: memberships[3]: test shape: no chairs" \
        in proc.stderr, proc.stderr
    assert "(node https://w3id.org/iscm/id/membership/" in proc.stderr
