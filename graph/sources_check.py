"""``iscm sources --check``: which facts rest only on secondary sources, and which URLs look unstable.

It reads the YAML in ``data/`` and nothing else (no network): a URL is judged by its form — a staging
or development host, a session id or tracking parameter, a proxy or mirror, an explicit port, a
homepage cited for a specific fact. ``http://`` is not a problem in itself. Every finding names the
file and line, so it can be fixed where it stands.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import ValidationError

from graph.datafiles import LineDict, format_loc, line_of, load_yaml
from graph.errors import DataError
from graph.schema import SourceRecord

# Hosts that copy other people's documents or encyclopedia articles: a report cannot cite them, and
# a membership fact must not rest on them alone. (Wikipedia itself is an encyclopedia, not a copy: a
# secondary source, reported as such.)
MIRROR_HOSTS = (
    "github.com", "githubusercontent.com", "gitlab.com", "scribd.com", "docplayer", "vdocuments", "studylib",
    "docslib.org", "docsbay.net", "fdocuments", "slideplayer", "yumpu.com", "pdfslide", "dokumen.pub",
    "wikipedia-on-ipfs", "wikiwand.com", "wikimili.com", "wiki2.org", "kiwix", "ipfs.io",
    "outremer.quest", "uncensored-wiki", "eudic.net", "rilpedia", "frwiki.wiki", "piglix.com", "worddisk.com",
    "friendlywiki.com", "wiki.studentb.eu", "qaz.wiki", "nina.az", "vi0.me", "wikisource.org",
)
PROXY_HOSTS = ("yowlink.com", "translate.goog", "webcache.googleusercontent.com", "proxy", "anonymouse")
STAGING_LABELS = {"staging", "stage", "dev", "develop", "development", "preview", "test", "testing", "beta",
                  "uat", "qa", "sandbox", "admin", "localhost", "cms", "editor"}
SESSION_PARAMS = re.compile(r"^(?:jsessionid|phpsessid|sessionid|session_id|aspsessionid\w*|cfid|cftoken|"
                            r"utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|rdp_we_resource)$", re.I)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int | None
    category: str  # "secondary-only", "mirror-only", "unstable-url", "copy-without-original", "unreadable"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.category}: {self.message}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    membership_facts: int = 0  # (file, role, actor or via) pairs
    secondary_only: int = 0
    mirror_only: int = 0

    def lines(self) -> list[str]:
        out = [str(f) for f in self.findings]
        cats: dict[str, int] = defaultdict(int)
        for f in self.findings:
            cats[f.category] += 1
        out.append(f"{len(self.findings)} finding(s): " + (", ".join(f"{n} {c}" for c, n in sorted(cats.items()))
                                                         or "none"))
        out.append(f"membership facts: {self.membership_facts}; resting only on secondary sources: "
                   f"{self.secondary_only}; only on a GitHub file or document/wiki mirror: {self.mirror_only}")
        return out


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_mirror(url: str | None) -> bool:
    return bool(url) and any(m in host_of(url) for m in MIRROR_HOSTS)


def url_problems(url: str, *, for_fact: bool) -> list[str]:
    """What makes ``url`` unstable, in words (empty when nothing does)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    problems = []
    # only the labels left of the registered name count: admin.ch is the Swiss government, not a back office
    sub = host.split(".")[:-2]
    labels = {part for label in sub for part in re.split(r"-", label)}
    segments = {seg.lower() for seg in parts.path.split("/")}
    if labels & STAGING_LABELS or segments & {"preview", "staging", "draft"}:
        problems.append(f"staging, preview or back-office address ({host})")
    if host.endswith("."):
        problems.append(f"host ends with a dot ({host})")
    if parts.port is not None and parts.port not in (80, 443):
        problems.append(f"explicit port {parts.port}")
    if any(p in host for p in PROXY_HOSTS) or re.search(r"[?&](?:url|u|q|resource|target)=https?%3A", url, re.I):
        problems.append(f"proxy or redirector ({host}): cite the page it wraps")
    if ";jsessionid=" in parts.path.lower() or any(SESSION_PARAMS.match(k) for k, _ in parse_qsl(parts.query)):
        problems.append("session id or tracking parameter in the URL")
    if is_mirror(url):
        problems.append(f"mirror or copy ({host}): cite the original")
    if for_fact and parts.path in ("", "/") and not parts.query:
        problems.append("a homepage cited for a specific fact: cite the page that states it")
    return problems


def _sources(doc: Any, shown: str, loc: tuple, report: Report) -> dict[str, SourceRecord]:
    raw = doc
    for step in loc:
        raw = raw.get(step) if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        return {}
    out = {}
    for key, value in raw.items():
        try:
            out[str(key)] = SourceRecord.model_validate(value)
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            report.findings.append(Finding(shown, line_of(doc, (*loc, key)), "unreadable",
                                           f"{format_loc((*loc, key))}: {msg} (`iscm validate` says more)"))
    return out


def _url_findings(doc: Any, shown: str, loc: tuple, src: SourceRecord, used_for_facts: bool,
                  report: Report) -> None:
    line = line_of(doc, (*loc, "url")) if src.url else line_of(doc, loc)
    if src.url:
        for problem in url_problems(src.url, for_fact=used_for_facts):
            report.findings.append(Finding(shown, line, "unstable-url", f"{format_loc(loc)}: {problem}: {src.url}"))
    if src.read_at:
        report.findings.append(Finding(shown, line_of(doc, (*loc, "read_at")), "read-in-copy",
                                       f"{format_loc(loc)}: cites {src.document!r}, read in a copy at "
                                       f"{host_of(src.read_at)}: an official copy would be better"))
    if src.kind == "secondary" and is_mirror(src.url) and not (src.copy_of or src.note):
        report.findings.append(Finding(shown, line, "copy-without-original",
                                       f"{format_loc(loc)}: a copy on {host_of(src.url or '')} without copy_of "
                                       "(say what it copies) or a note"))


def _collaboration(doc: Any, shown: str, report: Report) -> None:
    sources = _sources(doc, shown, ("sources",), report)
    cited: set[str] = set()
    # support: (role, actor) -> the kinds and mirror-ness of every source that names it
    support: dict[tuple[str, str], list[SourceRecord]] = defaultdict(list)
    blocks = doc.get("memberships") or []
    for block in blocks:
        if not isinstance(block, dict) or block.get("source") not in sources:
            continue
        cited.add(block["source"])
        for actor in [*(block.get("actors") or []), *([f"via {block['via']}"] if block.get("via") else [])]:
            support[(str(block.get("role")), str(actor))].append(sources[block["source"]])
    report.membership_facts += len(support)
    weak = {k for k, srcs in support.items() if all(s.kind == "secondary" for s in srcs)}
    mirror = {k for k in weak if all(is_mirror(s.url) for s in support[k])}
    report.secondary_only += len(weak)
    report.mirror_only += len(mirror)
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or block.get("source") not in sources:
            continue
        role = str(block.get("role"))
        names = [*(block.get("actors") or []), *([f"via {block['via']}"] if block.get("via") else [])]
        only = [a for a in names if (role, str(a)) in weak]
        if only:
            src = sources[block["source"]]
            where = host_of(src.url) if src.url else src.document
            tag = "mirror-only" if all((role, str(a)) in mirror for a in only) else "secondary-only"
            shown_names = ", ".join(map(str, only[:8])) + (f" … ({len(only)} in all)" if len(only) > 8 else "")
            report.findings.append(Finding(shown, line_of(doc, ("memberships", i)), tag,
                                           f"memberships[{i}] ({role}: {shown_names}) rests only on secondary "
                                           f"source {block['source']!r} ({where})"))
    facts = doc.get("facts") if isinstance(doc.get("facts"), dict) else {}
    for name, entries in facts.items():
        entries = entries if isinstance(entries, list) else []
        by_value: dict[str, list[SourceRecord]] = defaultdict(list)
        for entry in entries:
            if isinstance(entry, dict) and entry.get("source") in sources:
                cited.add(entry["source"])
                by_value[repr(entry.get("value"))].append(sources[entry["source"]])
        for j, entry in enumerate(entries):
            if not (isinstance(entry, dict) and entry.get("source") in sources):
                continue
            if all(s.kind == "secondary" for s in by_value[repr(entry.get("value"))]):
                report.findings.append(Finding(shown, line_of(doc, ("facts", name, j)), "secondary-only",
                                               f"facts.{name}[{j}] ({entry.get('value')!r}) rests only on "
                                               f"secondary source {entry['source']!r}"))
    for key, src in sources.items():
        _url_findings(doc, shown, ("sources", key), src, key in cited, report)


def _events(doc: Any, shown: str, report: Report) -> None:
    sources = _sources(doc, shown, ("sources",), report)
    cited = set()
    for i, ev in enumerate(doc.get("events") or []):
        if isinstance(ev, dict) and ev.get("source") in sources:
            cited.add(ev["source"])
            if sources[ev["source"]].kind == "secondary":
                report.findings.append(Finding(shown, line_of(doc, ("events", i)), "secondary-only",
                                               f"events[{i}] ({ev.get('id')}) rests only on secondary source "
                                               f"{ev['source']!r}"))
    for key, src in sources.items():
        _url_findings(doc, shown, ("sources", key), src, key in cited, report)


def _organisations(doc: Any, shown: str, report: Report) -> None:
    for i, item in enumerate(doc if isinstance(doc, list) else []):
        if not isinstance(item, LineDict) or not isinstance(item.get("source"), dict):
            continue
        try:
            src = SourceRecord.model_validate(item["source"])
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            report.findings.append(Finding(shown, line_of(doc, (i, "source")), "unreadable", f"[{i}].source: {msg}"))
            continue
        if src.kind == "secondary":
            report.findings.append(Finding(shown, line_of(doc, (i, "source")), "secondary-only",
                                           f"organisation {item.get('id')} rests only on a secondary source"))
        _url_findings(doc, shown, (i, "source"), src, True, report)


def check(data_dir: Path) -> Report:
    """Every finding over ``data_dir`` (the hand-written files: ISCMs, unions, IGOs, meetings, organisations)."""
    report = Report()
    display = Path(data_dir.name)
    for folder in ("iscms", "unions", "igos", "events"):
        for path in sorted((data_dir / folder).glob("*.yaml")):
            shown = str(display / folder / path.name)
            try:
                doc = load_yaml(path, display=shown)
            except DataError as exc:
                report.findings.append(Finding(shown, exc.line, "unreadable", exc.reason))
                continue
            if isinstance(doc, dict):
                (_events if folder == "events" else _collaboration)(doc, shown, report)
    org_path = data_dir / "organisations.yaml"
    if org_path.exists():
        shown = str(display / org_path.name)
        try:
            _organisations(load_yaml(org_path, display=shown), shown, report)
        except DataError as exc:
            report.findings.append(Finding(shown, exc.line, "unreadable", exc.reason))
    return report
