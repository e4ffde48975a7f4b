"""What every exported image says about where it comes from (the footer), and the file names of
downloads.

The footer reads the release from its manifest (release id, version, release date; the data set's
licence, publisher, title and homepage from ``data/dataset.yaml`` as the build recorded them):

>>> c = Credit(release="1.0-20261206-abc", version="1.0", release_date="2026-12-06", licence="CC-BY-4.0",
...            publisher="the iscm-graph project", title="ISCM knowledge graph", homepage="https://w3id.org/iscm/")
>>> print(c.line(2015))
Source: iscm-graph release 1.0 (1.0-20261206-abc), as of 2015, CC BY 4.0 — cite as: the iscm-graph project, \
ISCM knowledge graph, version 1.0 (release 1.0-20261206-abc), https://w3id.org/iscm/
>>> c.line(None).split(", as of ")[1][:10]
'2026-12-06'
>>> c.line(2015, "es").split(" — ")[0]
'Fuente: iscm-graph, versión 1.0 (1.0-20261206-abc), fecha: 2015, CC BY 4.0'
>>> slug("Rabat Process: members / 2015")
'rabat-process-members-2015'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.loader import ISCMGraph


@dataclass(frozen=True)
class Credit:
    """The release a map was drawn from, and how to cite it."""

    release: str
    version: str
    release_date: str
    licence: str
    publisher: str
    title: str
    homepage: str

    @classmethod
    def of(cls, g: ISCMGraph) -> Credit:
        """The credit of a loaded release (its manifest; the data set's defaults where it has none)."""
        from graph.dataset import Metadata

        manifest = g.manifest
        meta = {**Metadata().model_dump(), **(manifest.get("dataset") or {})}
        release = str(manifest.get("release") or (g.release.name if g.release is not None else "unreleased"))
        return cls(release=release, version=str(manifest.get("version") or meta["version"]),
                   release_date=g.release_date.isoformat(), licence=str(meta["licence"]),
                   publisher=str(meta["publisher"]), title=str(meta["title"]).split(":")[0],
                   homepage=str(meta["homepage"]))

    @property
    def licence_label(self) -> str:
        """``CC-BY-4.0`` as people write it: ``CC BY 4.0``."""
        return self.licence.replace("-", " ") if self.licence.upper().startswith("CC-") else self.licence

    def cite(self, lang: str = "en") -> str:
        """How to cite the release, short form."""
        from graph.maps.words import word

        return word(lang, "cite", publisher=self.publisher, title=self.title, version=self.version,
                    release=self.release, homepage=self.homepage)

    def line(self, as_of: object, lang: str = "en") -> str:
        """The footer: release, as-of date, licence and how to cite, in ``lang`` (``en``, ``fr``, ``es``)."""
        from graph.maps.words import word

        when = str(as_of) if as_of is not None else self.release_date
        return word(lang, "credit", version=self.version, release=self.release, when=when,
                    licence=self.licence_label, cite=self.cite(lang))


#: what an image without a release says (a map drawn from a graph held in memory)
NO_RELEASE = "Source: iscm-graph (no release given: pass credit= with graph.maps.Credit.of(graph))"


def slug(text: str, limit: int = 100) -> str:
    """Lower-case ASCII words joined by ``-``, for file names."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    out = "-".join(words)[:limit].strip("-")
    return out or "map"


_ROLE_SLUGS = {"members": "members", "members+observers": "members-observers", "all": "participants"}


def file_stem(request: Any, spec: Any, release_date: dt.date) -> str:
    """A download's name without its extension, e.g. ``rabat-process-members-2015``: what is drawn,
    which roles, and the as-of date (the release date when none was asked for)."""
    when = str(request.as_of) if request.as_of is not None else release_date.isoformat()
    roles = _ROLE_SLUGS.get(request.roles, str(request.roles).replace("+", "-"))
    if request.kind == "membership":
        what = "-".join(request.iscms) + f"-{roles}"
    elif request.kind == "ego":
        what = f"{request.actor}-partnerships-depth-{request.depth}"
    elif request.kind == "overlap":
        what = "iscm-overlap"
    else:
        what = "-".join(request.iscms) + "-partnerships" if request.iscms else "partnership-network"
    extra = "-".join(k.split("-")[0] for k in request.kinds)  # e.g. "regional-interregional"
    placed = "" if getattr(request, "layout", "spring") == "spring" else request.layout  # the default unsaid
    lang = "" if getattr(request, "lang", "en") == "en" else request.lang  # rabat-process-members-2015-fr
    return slug("-".join(p for p in (what, extra, placed, when, lang) if p), limit=120)
