"""Synthetic ISCM-shaped data at any scale, written as a real ``data/`` folder.

``write_dataset(out, scale)`` writes ``organisations.yaml``, ``unions/*.yaml`` and ``iscms/*.yaml``
in the format of ``data/README.md`` so that the real ``graph.build.build`` compiles it unchanged.

Shape (calibrated on the curated data: 43 ISCMs, ~210 States, ~4.6k membership facts):

* 45 x ``scale`` ISCMs with fictional ids; unions and organisations stay fixed, as in reality
  (a bigger world has more consultation mechanisms, not more States);
* real ISO alpha-3 codes from ``graph.countries.all_countries()``;
* ISCM sizes lognormal (median ~14 members, long tail to ~150); most ISCMs are regional, so members
  are drawn mostly from a home region, weighted by a Pareto "activity" per State: a few States sit
  in many ISCMs, most in few (heavy-tailed degree);
* per ISCM several sources, dated facts (established, status, themes, cooperation), 1-3 member
  claim blocks from different sources and dates (complete and partial lists), observers,
  rotating chairs with periods, a secretariat, partners, occasionally a former member or a
  membership that follows a union (``via``).

Everything comes from one ``random.Random(seed)``: the same seed and scale give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.countries import all_countries

BASE_ISCMS = 45
N_UNIONS = 22
N_ORGS = 80
KINDS = ("regional-consultative-process", "interregional-forum", "global-process")
KIND_WEIGHTS = (0.6, 0.3, 0.1)
THEMES = (
    "labour-migration", "irregular-migration", "border-management", "asylum", "refugee-protection",
    "trafficking-in-persons", "migrant-smuggling", "migration-and-development", "diaspora", "migration-data",
    "return-and-readmission", "reintegration", "integration", "migrant-rights", "migration-and-health",
    "climate-and-environment", "legal-migration-and-mobility", "visa-and-identity-management", "remittances",
    "mixed-migration", "migration-governance", "capacity-building",
)
ORG_TYPES = ("igo", "eu-body", "civil-society", "academic", "government-agency", "programme", "private-sector")
ORG_WEIGHTS = (0.3, 0.1, 0.25, 0.1, 0.1, 0.1, 0.05)
# data must not claim a date later than the build date (the compiler rejects future as_of)
LATEST = dt.date(2024, 12, 31)


@dataclass
class Stats:
    iscms: int = 0
    unions: int = 0
    organisations: int = 0
    blocks: int = 0
    actor_entries: int = 0  # explicit actors in ISCM and union blocks (via expansions not counted)
    via_blocks: int = 0
    states_used: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {"iscms": self.iscms, "unions": self.unions, "organisations": self.organisations,
                "blocks": self.blocks, "actor_entries": self.actor_entries, "via_blocks": self.via_blocks,
                "states_used": len(self.states_used)}


def _states() -> dict[str, str]:
    """Current codes with a region (Antarctica and withdrawn codes left out), code -> sub-region."""
    out = {}
    for code, c in all_countries().items():
        if c.obsolete_since is None and c.region and c.region != "Antarctica" and c.subregion:
            out[code] = c.subregion
    return out


def _date(rng: random.Random, lo: int = 2005, hi: int = 2024) -> dt.date:
    d = dt.date(rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28))
    return min(d, LATEST)


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _q(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


class _World:
    """The fixed part: States with activity weights, regions, unions and organisations."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sub_of = _states()
        self.codes = sorted(self.sub_of)
        # Pareto activity: a handful of very active States, a long tail of occasional ones
        self.activity = {c: rng.paretovariate(1.3) for c in self.codes}
        self.by_sub: dict[str, list[str]] = {}
        for c in self.codes:
            self.by_sub.setdefault(self.sub_of[c], []).append(c)
        self.subs = sorted(self.by_sub)
        self.orgs = [f"synth-org-{i:03d}" for i in range(N_ORGS)]
        self.unions: dict[str, list[str]] = {}

    def pick_states(self, n: int, home: list[str], *, local: float = 0.75,
                    exclude: set[str] | None = None) -> list[str]:
        """``n`` distinct States, a share ``local`` from the home sub-regions, weighted by activity."""
        exclude = exclude or set()
        rng = self.rng
        home_pool = [c for s in home for c in self.by_sub[s] if c not in exclude]
        rest = [c for c in self.codes if c not in exclude and self.sub_of[c] not in home]
        chosen: set[str] = set()
        n = min(n, len(home_pool) + len(rest))
        want_local = min(len(home_pool), round(n * local))
        # home share first, then the rest, then top up from home if the rest ran short
        for pool, k in ((home_pool, want_local), (rest, n - want_local), (home_pool, n)):
            pool = [c for c in pool if c not in chosen]
            k = min(k, len(pool), n - len(chosen))
            if k <= 0:
                continue
            # weighted sampling without replacement (Efraimidis-Spirakis keys)
            keyed = sorted(pool, key=lambda c: -math.log(rng.random()) / self.activity[c])
            chosen.update(keyed[:k])
        return sorted(chosen)

    def home(self) -> list[str]:
        """1-4 neighbouring sub-regions (neighbours by name order: close enough for a shape)."""
        i = self.rng.randrange(len(self.subs))
        k = self.rng.choice((1, 1, 2, 2, 3, 4))
        return [self.subs[(i + j) % len(self.subs)] for j in range(k)]


def _organisations(world: _World) -> str:
    rng = world.rng
    lines = ["# Synthetic organisations for benchmarks (fictional ids).", ""]
    for i, oid in enumerate(world.orgs):
        otype = rng.choices(ORG_TYPES, ORG_WEIGHTS)[0]
        lines += [
            f"- id: {oid}",
            f"  name: {_q(f'Synthetic Organisation {i}')}",
            f"  acronym: SO{i}",
            f"  type: {otype}",
            f"  website: https://example.org/org/{oid}",
        ]
        if otype == "government-agency":
            lines.append(f"  country: {rng.choice(world.codes)}")
        lines += [
            "  source:",
            f"    url: https://example.org/org/{oid}/about",
            f"    title: {_q(f'About SO{i}')}",
            "    publisher: Synthetic",
            "    kind: primary",
            f"  as_of: {_date(rng)}",
            "",
        ]
    return "\n".join(lines)


def _union(world: _World, idx: int, stats: Stats) -> tuple[str, str]:
    rng = world.rng
    uid = f"synth-union-{idx:02d}"
    home = world.home()
    size = max(4, min(60, round(rng.lognormvariate(math.log(18), 0.6))))
    members = world.pick_states(size, home, local=0.9)
    world.unions[uid] = members
    founded = rng.randint(1960, 2005)
    lines = [
        f"id: {uid}", f"name: {_q(f'Synthetic Union {idx}')}", f"acronym: SU{idx}", "type: regional-union",
        "sources:",
        "  s0:", f"    url: https://example.org/union/{uid}/members", f"    title: {_q(f'SU{idx} members')}",
        "    publisher: Synthetic", "    kind: primary",
        "  s1:", f"    url: https://example.org/union/{uid}/history", f"    title: {_q(f'SU{idx} history')}",
        "    publisher: Synthetic", "    kind: primary",
        "memberships:",
    ]
    founders = members[: max(2, len(members) // 2)]
    older = [m for m in members if rng.random() > 0.15]
    blocks = [("s0", _date(rng, 2015), True, None, members), ("s1", _date(rng, 2010, 2014), False, founded, founders),
              ("s1", _date(rng, 2005, 2009), True, None, older)]
    for src, as_of, complete, since, actors in blocks:
        lines += ["  - role: member", f"    source: {src}", f"    as_of: {as_of}",
                  f"    complete: {str(complete).lower()}"]
        if since:
            lines.append(f"    since: {since}")
        lines.append(f"    actors: {_flow(actors)}")
        stats.blocks += 1
        stats.actor_entries += len(actors)
    if rng.random() < 0.3:  # an exit with a date, as with ECOWAS or the UK and the EU
        gone = world.pick_states(1, home, exclude=set(members))
        lines += ["  - role: former-member", "    source: s1", f"    as_of: {_date(rng, 2018)}",
                  f"    since: {founded}", f"    until: {rng.randint(2016, 2023)}", f"    actors: {_flow(gone)}"]
        stats.blocks += 1
        stats.actor_entries += 1
    stats.states_used.update(members)
    return uid, "\n".join(lines) + "\n"


def _iscm(world: _World, idx: int, stats: Stats) -> tuple[str, str]:
    rng = world.rng
    iid = f"synth-iscm-{idx:05d}"
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    home = world.home() if kind != "global-process" else world.subs
    n_src = rng.randint(3, 10)
    srcs = [f"s{j}" for j in range(n_src)]
    established = rng.randint(1985, 2020)
    lines = [
        f"id: {iid}", f"name: {_q(f'Synthetic Process {idx}')}", f"acronym: SP{idx}", f"kind: {kind}",
        f"website: https://example.org/iscm/{iid}", "sources:",
    ]
    for s in srcs:
        lines += [f"  {s}:", f"    url: https://example.org/iscm/{iid}/{s}", f"    title: {_q(f'SP{idx} page {s}')}",
                  "    publisher: Synthetic", "    kind: primary"]

    def src() -> str:
        return rng.choice(srcs)

    # the draws keep their order (facts, then blocks): same seed, same files
    lines += _iscm_facts(world, idx, established, src)
    lines += _membership_lines(_blocks(world, home, established, src, stats), stats)
    return iid, "\n".join(lines) + "\n"


def _iscm_facts(world: _World, idx: int, established: int, src: Callable[[], str]) -> list[str]:
    """The ``facts:`` section: establishment, status, themes, cooperation, associated union."""
    rng = world.rng
    lines: list[str] = []
    lines += ["facts:", "  established:"]
    for _ in range(rng.randint(1, 3)):
        said = established + rng.choice((0, 0, 0, -1, 1))  # sources disagree by a year now and then
        lines.append(f"    - {{value: {said}, source: {src()}, as_of: {_date(rng)}}}")
    lines.append("  status:")
    for _ in range(rng.randint(1, 2)):
        lines.append(f"    - {{value: {rng.choices(('active', 'dormant'), (0.85, 0.15))[0]}, source: {src()}, "
                     f"as_of: {_date(rng)}}}")
    lines.append("  themes:")
    for _ in range(rng.randint(1, 2)):
        lines.append(f"    - {{value: {_flow(rng.sample(THEMES, rng.randint(3, 7)))}, source: {src()}, "
                     f"as_of: {_date(rng)}}}")
    coop = []
    if idx > 0 and rng.random() < 0.5:
        other = f"synth-iscm-{rng.randrange(idx):05d}"
        coop.append(f"    - {{value: {other}, intensity: {rng.choice(('official', 'regular', 'occasional'))}, "
                    f"source: {src()}, as_of: {_date(rng)}}}")
    if rng.random() < 0.3:
        coop.append(f"    - {{value: {rng.choice(world.orgs)}, intensity: regular, source: {src()}, "
                    f"as_of: {_date(rng)}}}")
    if coop:
        lines += ["  cooperates_with:", *coop]
    if rng.random() < 0.4:
        lines += ["  associated_union:",
                  f"    - {{value: {rng.choice(sorted(world.unions))}, source: {src()}, as_of: {_date(rng)}}}"]
    return lines


def _blocks(world: _World, home: list[str], established: int, src: Callable[[], str], stats: Stats) -> list[dict]:
    """Membership blocks: complete lists old and new, observers, rotating chairs, secretariat, partners,
    now and then a former member or a union's membership."""
    rng = world.rng
    blocks: list[dict] = []
    size = max(3, min(150, round(rng.lognormvariate(math.log(18), 0.8))))
    members = world.pick_states(size, home)
    # an older complete list that differs a little, a newer complete list, sometimes a partial addition
    y_new = _date(rng, 2016)
    old = [m for m in members if rng.random() > 0.1]
    old += world.pick_states(max(0, size // 10), home, exclude=set(members))
    if rng.random() < 0.8:
        blocks.append({"role": "member", "source": src(), "as_of": _date(rng, 2005, 2015), "complete": True,
                       "actors": sorted(set(old))})
    if rng.random() < 0.3:  # a third source repeating the current list (sources overlap in reality)
        blocks.append({"role": "member", "source": src(), "as_of": _date(rng, 2016), "complete": True,
                       "actors": members})
    blocks.append({"role": "member", "source": src(), "as_of": y_new, "complete": True, "actors": members})
    if rng.random() < 0.5:
        late = world.pick_states(rng.randint(1, 3), home, exclude=set(members))
        blocks.append({"role": "member", "source": src(), "as_of": y_new, "complete": False,
                       "since": y_new.year, "actors": late})
        members = sorted({*members, *late})
    n_obs = rng.choice((0, 2, 4, 6, 10, 14))
    if n_obs:
        blocks.append({"role": "observer", "source": src(), "as_of": _date(rng, 2012), "complete": rng.random() < 0.5,
                       "actors": world.pick_states(n_obs, home, local=0.2, exclude=set(members))})
    # rotating chairs: one block per term, each with its period (real files have ~3 per ISCM)
    year = max(established, 2000)
    for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 6, 8))):
        term = rng.choice((1, 1, 2))
        if year + term > 2024:
            break
        role = rng.choices(("chair", "co-chair", "presidency-pro-tempore"), (0.75, 0.1, 0.15))[0]
        blocks.append({"role": role, "source": src(), "as_of": _date(rng, min(year + term, 2024)), "complete": False,
                       "since": year, "until": year + term - 1, "actors": [rng.choice(members)]})
        year += term
    blocks.append({"role": rng.choice(("secretariat", "secretariat", "technical-support-unit")), "source": src(),
                   "as_of": _date(rng, 2012), "complete": False, "actors": [rng.choice(world.orgs)]})
    if rng.random() < 0.5:
        role = rng.choice(("partner", "partner", "funder", "steering-committee-member"))
        blocks.append({"role": role, "source": src(), "as_of": _date(rng, 2012), "complete": False,
                       "actors": sorted(rng.sample(world.orgs, rng.randint(1, 5)))})
    if rng.random() < 0.08:
        gone = world.pick_states(1, home, exclude=set(members))
        blocks.append({"role": "former-member", "source": src(), "as_of": _date(rng, 2018), "complete": False,
                       "until": rng.randint(2015, 2017), "actors": gone})
    if rng.random() < 0.2:  # a forum whose membership follows a union's (EU-CELAC style)
        union = rng.choice(sorted(world.unions))
        blocks.append({"role": "member", "source": src(), "as_of": _date(rng, 2015), "complete": False, "via": union})
        stats.via_blocks += 1
    return blocks


def _membership_lines(blocks: list[dict], stats: Stats) -> list[str]:
    lines: list[str] = []
    lines.append("memberships:")
    for b in blocks:
        if not b.get("actors") and not b.get("via"):
            continue
        lines += [f"  - role: {b['role']}", f"    source: {b['source']}", f"    as_of: {b['as_of']}",
                  f"    complete: {str(b['complete']).lower()}"]
        for key in ("since", "until", "via"):
            if key in b:
                lines.append(f"    {key}: {b[key]}")
        if b.get("actors"):
            lines.append(f"    actors: {_flow(b['actors'])}")
            stats.actor_entries += len(b["actors"])
            stats.states_used.update(a for a in b["actors"] if a.isupper())
        stats.blocks += 1
    return lines


def describe(data_dir: Path) -> dict[str, int]:
    """The same counts as ``write_dataset`` returns, read from any data/ folder (the real one)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    stats = Stats()
    for folder in ("iscms", "unions", "igos"):
        for path in sorted((data_dir / folder).glob("*.yaml")):
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            if folder == "iscms":
                stats.iscms += 1
            else:
                stats.unions += 1
            for block in doc.get("memberships") or []:
                stats.blocks += 1
                actors = block.get("actors") or []
                stats.actor_entries += len(actors)
                stats.via_blocks += "via" in block
                stats.states_used.update(a for a in actors if a.isupper() and len(a) == 3)
    orgs = yaml.load((data_dir / "organisations.yaml").read_text(encoding="utf-8"), Loader=loader)
    stats.organisations = len(orgs or [])
    return stats.as_dict()


def write_dataset(out: Path, scale: int, *, seed: int = 20261122) -> dict[str, int]:
    """Write a data/ folder with ``45 * scale`` ISCMs under ``out``; return counts."""
    # one stream per scale so 1x is not a prefix of 10x (independent samples), yet repeatable
    rng = random.Random(f"{seed}:{scale}")
    world = _World(rng)
    stats = Stats()
    for sub in ("iscms", "unions"):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for old in (out / sub).glob("*.yaml"):
            old.unlink()
    (out / "organisations.yaml").write_text(_organisations(world), encoding="utf-8")
    stats.organisations = len(world.orgs)
    for i in range(N_UNIONS):
        uid, text = _union(world, i, stats)
        (out / "unions" / f"{uid}.yaml").write_text(text, encoding="utf-8")
        stats.unions += 1
    n = BASE_ISCMS * scale
    for i in range(n):
        iid, text = _iscm(world, i, stats)
        (out / "iscms" / f"{iid}.yaml").write_text(text, encoding="utf-8")
        stats.iscms += 1
    return stats.as_dict()


def main() -> None:
    p = argparse.ArgumentParser(description="write a synthetic ISCM data/ folder")
    p.add_argument("out", type=Path)
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--seed", type=int, default=20261122)
    args = p.parse_args()
    print(write_dataset(args.out, args.scale, seed=args.seed))


if __name__ == "__main__":
    main()
