"""The shape of the files in ``data/``, as pydantic models (``extra="forbid"``: a misspelt key fails).

Checks that need the ontology or other files (role and theme ids, known actors, source keys) live
in :mod:`graph.compiler`, which has them at hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A year, a month or a day: sources often give only ``2019`` or ``2019-05``."""

    year: int
    month: int | None = None
    day: int | None = None

    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def end(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month or 1, self.day)
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        if self.day:
            return self.start().isoformat()
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"


def _partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1900 <= value <= 2100:
            raise ValueError(f"year {value} is outside 1900-2100")
        return PartialDate(value)
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
        if m:
            year, month, day = (int(g) if g else None for g in m.groups())
            try:
                result = PartialDate(year, month, day)
                result.start()
                return result
            except ValueError as exc:
                raise ValueError(f"invalid date {value!r}: {exc}") from None
    raise ValueError(f"expected a year (2019), a month (2019-05) or a date (2019-05-01), got {value!r}")


YearOrDate = Annotated[PartialDate, BeforeValidator(_partial_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def http_iri(value: str | None) -> str | None:
    """An absolute http(s) IRI that RDF stores accept: no spaces, quotes, braces or other characters
    IRIs forbid (RFC 3987), so ``javascript:`` links and ``"`` in a URL fail here, not in the store."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(r"^https?://[^/?#\s]", value):
        raise ValueError(f"not an http(s) URL: {value!r} (write it with http:// or https://)")
    bad = sorted({c for c in value if c in '<>"{}|\\^`' or c.isspace() or ord(c) < 0x20})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise ValueError(f"{value!r} contains {shown}, which a URL may not hold: percent-encode it "
                         "(space → %20, \" → %22, { → %7B, } → %7D)")
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid IRI ({exc})") from None
    return value


HttpIri = Annotated[str, AfterValidator(http_iri)]


SourceKind = Literal["primary", "igo", "press", "secondary"]
SOURCE_KINDS: tuple[str, ...] = ("primary", "igo", "press", "secondary")

QID = Annotated[str, Field(pattern=r"^Q[1-9][0-9]{0,11}$")]


class Identifiers(_Strict):
    """Ids other registries give the same entity, so users can join their data with ours."""

    wikidata: QID | None = None


class SourceRecord(_Strict):
    """A public web page (``url``) or a document with a ``locator``.

    ``kind`` says who speaks: ``primary`` (the ISCM's, a State's or a union's own official page or
    document), ``igo`` (an intergovernmental organisation: IOM, UN, UNHCR, ICMPD, EU institutions …),
    ``press`` (a named press outlet) or ``secondary`` (anything else: a copy, a wiki, an aggregator, a
    blog, an NGO or reference work). A copy names what it copies in ``copy_of``.
    """

    kind: SourceKind
    url: HttpIri | None = None
    document: str | None = None
    locator: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: YearOrDate | None = None  # the date the document itself carries
    accessed: dt.date | None = None
    copy_of: str | None = None  # for a secondary copy: the title/publisher of the original
    read_at: HttpIri | None = None  # a cited document whose text was read in a copy: where (not for citing)
    note: str | None = None

    @model_validator(mode="after")
    def _url_or_document(self) -> SourceRecord:
        if not self.url and not self.document:
            raise ValueError("a source needs a url, or a document with a locator")
        if self.document and not self.url and not self.locator:
            raise ValueError("a document source needs a locator (page, section or line)")
        if self.read_at and not self.document:
            raise ValueError("read_at is for a document cited by its title (document: …, locator: …) whose text "
                             "was read in a copy; a web page is cited by its url")
        if self.copy_of and self.kind != "secondary":
            raise ValueError(f"copy_of is for secondary copies, but kind is {self.kind!r}: "
                             "cite the original with its own kind, or set kind: secondary")
        return self


class Dated(_Strict):
    """Every fact: which source says it, and as of when.

    ``as_of`` keeps its precision (``2019``, ``2019-05`` or ``2019-05-14``); ``as_of_inferred`` says
    the source carries no date and ours was inferred (e.g. from the latest event the page reports).
    """

    source: str
    as_of: YearOrDate
    as_of_inferred: bool = False


class Fact(Dated):
    value: Any
    year: int | None = None  # with succeeded_by: when the succession happened
    intensity: Literal["official", "regular", "occasional"] | None = None
    note: str | None = None


class DateFact(Dated):
    """A dated point in an ISCM's life (``ended``, ``dormant_since``): a year, a month or a date."""

    value: YearOrDate
    note: str | None = None


class Facts(_Strict):
    established: list[Fact] = []
    ended: list[DateFact] = []
    dormant_since: list[DateFact] = []
    status: list[Fact] = []
    themes: list[Fact] = []
    succeeded_by: list[Fact] = []
    associated_union: list[Fact] = []
    cooperates_with: list[Fact] = []


class MembershipBlock(Dated):
    """One source's list of actors holding one role, at one date."""

    role: str
    complete: bool = False
    since: YearOrDate | None = None
    until: YearOrDate | None = None
    actors: list[str] = []
    via: str | None = None  # members follow this union's or IGO's membership (e.g. EU-CELAC)
    note: str | None = None

    @model_validator(mode="after")
    def _actors_or_union(self) -> MembershipBlock:
        if not self.actors and not self.via:
            raise ValueError("a membership block needs actors (or via: a union or IGO whose members it follows)")
        if self.since is not None and self.until is not None and self.since.start() > self.until.end():
            raise ValueError(f"since {self.since} is after until {self.until}")
        return self


class AltName(_Strict):
    text: str
    lang: str | None = None
    source: str | None = None  # a key under the file's `sources:` where this name is written


class CollaborationFile(_Strict):
    """``data/iscms/<id>.yaml``, ``data/unions/<id>.yaml`` and ``data/igos/<id>.yaml``."""

    id: Slug
    name: str
    acronym: str | None = None
    alt_names: list[AltName] = []
    kind: str | None = None  # ISCMs: regional-consultative-process | interregional-forum | global-process
    type: Literal["regional-union", "igo"] | None = None  # unions/ and igos/ files
    website: HttpIri | None = None
    identifiers: Identifiers = Identifiers()
    sources: dict[str, SourceRecord]
    facts: Facts = Facts()
    memberships: list[MembershipBlock] = []
    notes: str | None = None

    @model_validator(mode="after")
    def _has_sources(self) -> CollaborationFile:
        if not self.sources:
            raise ValueError("sources is empty: every file needs at least one source")
        return self


class OrganisationRecord(_Strict):
    """One entry of ``data/organisations.yaml``."""

    id: Slug
    name: str
    acronym: str | None = None
    type: Literal["igo", "eu-body", "regional-union", "civil-society", "private-sector",
                  "academic", "government-agency", "programme"]
    website: HttpIri | None = None
    identifiers: Identifiers = Identifiers()
    aliases: list[str] = []
    country: str | None = None  # for government agencies: the State they belong to
    source: SourceRecord
    as_of: YearOrDate
    as_of_inferred: bool = False
