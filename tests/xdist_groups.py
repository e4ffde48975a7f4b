"""Tests that share a server run on one pytest-xdist worker (``.ci/run``: ``-n auto --dist loadgroup``).

pytest-xdist's own ``loadgroup`` reads ``xdist_group`` marks through the item's node id, which
pytest 9.2 no longer lets a plugin rewrite; so each worker writes the group of every test it
collected (``tests/conftest.py``, ``worker_group``) to a file, and the controller's scheduler —
xdist's scope scheduler, largest groups first — reads the groups from there.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

ENV = "ISCM_XDIST_GROUPS"  # the folder the controller makes; its workers inherit the variable


def _worker() -> str | None:
    return os.environ.get("PYTEST_XDIST_WORKER")


def configure(config: pytest.Config) -> None:
    """On the controller of a ``--dist loadgroup`` run: the folder the workers write their groups to."""
    if _worker() is None and getattr(config.option, "dist", "no") == "loadgroup" and ENV not in os.environ:
        os.environ[ENV] = tempfile.mkdtemp(prefix="iscm-xdist-groups-")
        config.add_cleanup(lambda: shutil.rmtree(os.environ.pop(ENV), ignore_errors=True))


def record(items: list[pytest.Item], group_of: Callable[[pytest.Item], str]) -> None:
    """On a worker: write ``{node id: group}`` for what it collected (atomically: the controller reads it)."""
    folder, worker = os.environ.get(ENV), _worker()
    if not folder or worker is None:
        return
    path = Path(folder) / f"{worker}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({item.nodeid: group_of(item) for item in items}))
    tmp.replace(path)


def scheduler(config: pytest.Config, log):
    """xdist's scope scheduler with our groups as its scopes (a test not in any file: its own scope)."""
    from xdist.scheduler import LoadScopeScheduling

    folder = Path(os.environ[ENV])

    class GroupScheduling(LoadScopeScheduling):
        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:  # every worker has collected (and written) before scheduling starts
                files = sorted(folder.glob("*.json"))
                self._groups = json.loads(files[0].read_text()) if files else {}
            return self._groups.get(nodeid, nodeid)

    return GroupScheduling(config, log)
