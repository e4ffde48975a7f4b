"""Child process: one kind of attack on a running API for a fixed time (the "under attack" section).

``python attack.py BASE KIND --seconds S`` runs the clients of one scenario against BASE (127.0.0.1)
and prints, on its last line, a JSON count of the answers they got. The parent measures ``/health``
and a REST profile meanwhile, from its own process, so the attackers' client work is not counted in
the probe's latencies (it still competes for the same two cores, as an attack from this machine would).

Scenarios (issue 18):

* ``slow_sparql`` — 40 clients, each looping on a query that runs until the time limit (a count over a
  cartesian product). The endpoint admits two per client address and refuses the rest with 429; a
  refused client waits 0.25 s and asks again.
* ``analytics`` — 4 clients looping on analytics routes with non-default parameters (a random Louvain
  seed and resolution, projection centrality at a random year), so no memoised answer helps.
* ``deep_nesting`` — 2 clients sending queries nested ~9,000 deep (within the length limit), each text
  made unique by a comment so no cached verdict helps.
* ``large_body`` — 2 clients sending 100 MB POST bodies: one declares its length, one streams chunks
  without a length.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx

SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
BODY_MB = 100


async def _loop(deadline: float, counts: Counter[str], send) -> None:
    while time.monotonic() < deadline:
        try:
            status = await send()
            counts[str(status)] += 1
        except httpx.HTTPError as exc:
            counts[type(exc).__name__] += 1
            await asyncio.sleep(0.05)


async def slow_sparql(base: str, deadline: float, counts: Counter[str], clients: int = 40) -> None:
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=clients)) as client:
        async def send() -> int:
            r = await client.post(base + "/sparql", content=SLOW,
                                  headers={"Content-Type": "application/sparql-query"})
            if r.status_code == 429:
                await asyncio.sleep(0.25)
            return r.status_code

        await asyncio.gather(*[_loop(deadline, counts, send) for _ in range(clients)])


async def analytics(base: str, deadline: float, counts: Counter[str], clients: int = 4) -> None:
    rng = random.Random(7)
    async with httpx.AsyncClient(timeout=60) as client:
        async def send() -> int:
            if rng.random() < 0.5:
                url = (f"/api/analytics/communities?seed={rng.randrange(2**31)}"
                       f"&resolution={rng.uniform(0.5, 2.0):.3f}")
            else:
                url = f"/api/analytics/centrality?on=projection&as_of={rng.randrange(1995, 2025)}"
            return (await client.get(base + url)).status_code

        await asyncio.gather(*[_loop(deadline, counts, send) for _ in range(clients)])


async def deep_nesting(base: str, deadline: float, counts: Counter[str], clients: int = 2) -> None:
    depth = 9000
    async with httpx.AsyncClient(timeout=60) as client:
        async def send() -> int:
            text = f"#{random.random()}\nSELECT * WHERE " + "{" * depth + "}" * depth
            r = await client.post(base + "/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
            return r.status_code

        await asyncio.gather(*[_loop(deadline, counts, send) for _ in range(clients)])


async def large_body(base: str, deadline: float, counts: Counter[str]) -> None:
    blob = b"#" * (BODY_MB << 20)
    chunk = b"#" * (1 << 20)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(BODY_MB):
            yield chunk

    async with httpx.AsyncClient(timeout=60) as client:
        async def declared() -> int:
            r = await client.post(base + "/sparql", content=blob, headers={"Content-Type": "application/sparql-query"})
            return r.status_code

        async def streamed() -> int:
            r = await client.post(base + "/sparql", content=chunks(),
                                  headers={"Content-Type": "application/sparql-query"})
            return r.status_code

        await asyncio.gather(_loop(deadline, counts, declared), _loop(deadline, counts, streamed))


KINDS = {"slow_sparql": slow_sparql, "analytics": analytics, "deep_nesting": deep_nesting, "large_body": large_body}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("kind", choices=sorted(KINDS))
    p.add_argument("--seconds", type=float, required=True)
    args = p.parse_args()
    counts: Counter[str] = Counter()
    t = time.monotonic()
    asyncio.run(KINDS[args.kind](args.base, t + args.seconds, counts))
    print(json.dumps({"kind": args.kind, "seconds": round(time.monotonic() - t, 1), "answers": dict(counts)}))


if __name__ == "__main__":
    main()
