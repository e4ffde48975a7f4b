"""Releases under ``<out>/releases/``: names that follow the data, leases held by readers, pruning.

A release is named ``<version>-<YYYYMMDD>-<fingerprint[:12]>``: the human version of the data set
(``data/dataset.yaml``), the build date, and a SHA-256 over everything the build reads (the YAML in
``data/``, the ontology and shapes, the build code and the versions of the libraries that shape the
output). A build whose fingerprint matches the current release publishes nothing new.

A serving process holds a *lease* on the release it serves: a file in ``<out>/leases/`` locked with
``flock`` for as long as the process lives. The kernel drops the lock when the process exits, even
when it is killed, so a lease whose lock can be taken is stale and is removed; pruning never removes
a release with a live lease, nor the current one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO

# the one default of the build folder: the CLI, the loader, the maps and the server read it here
DEFAULT_BUILD_DIR = Path("build")
BUILD_DIR_ENV = "ISCM_BUILD_DIR"
RELEASES = "releases"
LEASES = "leases"
# what a release folder holds (graph/build.py writes them)
QUADS_FILE = "iscm.nq"
STORE_DIR = "oxigraph"
MANIFEST_FILE = "manifest.json"  # release date, version, counts, digests
MEMBERSHIPS_FILE = "memberships.csv.gz"  # views.memberships of the release, for fast loading
TENURES_FILE = "tenures.csv.gz"  # graph.temporal.tenures of the release: what "current" and "as of" read
KEEP_RELEASES = 3
# libraries whose version changes the compiled graph (country names, serialisation)
_LIBRARIES = ("pycountry", "country_converter", "rdflib", "pyoxigraph", "iscm-graph")


def default_build_dir(value: str | Path | None = None) -> Path:
    """``value`` if given, else ``$ISCM_BUILD_DIR``, else ``./build``."""
    return Path(value or os.environ.get(BUILD_DIR_ENV) or DEFAULT_BUILD_DIR)


def input_files(data_dir: Path, ontology_dir: Path) -> list[tuple[str, Path]]:
    """Every file the build reads, with a stable name: the data's YAML, the ontology, the build code."""
    files = [(f"data/{p.relative_to(data_dir).as_posix()}", p) for p in sorted(data_dir.rglob("*"))
             if p.suffix in (".yaml", ".yml") and p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(data_dir).parts)]
    files += [(f"ontology/{p.name}", p) for p in sorted(ontology_dir.glob("*.ttl"))]
    code = Path(__file__).resolve().parent
    files += [(f"code/{p.relative_to(code).as_posix()}", p) for p in sorted(code.rglob("*.py"))]
    return files


def fingerprint(data_dir: Path, ontology_dir: Path, *, options: dict | None = None) -> str:
    """SHA-256 over the build's inputs (file names and bytes), library versions and ``options``."""
    h = hashlib.sha256()
    for name, path in input_files(data_dir, ontology_dir):
        body = path.read_bytes()
        h.update(f"{name}\0{len(body)}\0".encode())
        h.update(body)
    versions = {}
    for lib in _LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    h.update(json.dumps({"libraries": versions, "options": options or {}}, sort_keys=True).encode())
    return h.hexdigest()


def release_name(version: str, day: dt.date, digest: str) -> str:
    safe = "".join(c if c.isalnum() or c in ".-" else "-" for c in version) or "0"
    return f"{safe}-{day:%Y%m%d}-{digest[:12]}"


@dataclass(frozen=True)
class ReleaseInfo:
    name: str
    path: Path
    manifest: dict
    current: bool
    leased_by: tuple[int, ...]

    @property
    def built_at(self) -> str:
        return str(self.manifest.get("built_at", ""))


class Release:
    """One published release folder: its layout (which file holds what), its manifest (read once)
    and its release date — what "current" means for every answer read from it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def name(self) -> str:
        return self.path.name

    @functools.cached_property
    def manifest(self) -> dict:
        return read_manifest(self.path)

    @property
    def release_date(self) -> dt.date:
        """The manifest's release date (today for a release without one)."""
        stamp = self.manifest.get("release_date")
        return dt.date.fromisoformat(stamp) if stamp else dt.date.today()

    @property
    def quads_file(self) -> Path:
        return self.path / QUADS_FILE

    @property
    def store_dir(self) -> Path:
        return self.path / STORE_DIR

    @property
    def memberships_file(self) -> Path:
        return self.path / MEMBERSHIPS_FILE

    @property
    def tenures_file(self) -> Path:
        return self.path / TENURES_FILE

    def __repr__(self) -> str:
        return f"<Release {self.path}>"


def read_manifest(release: Path) -> dict:
    try:
        return json.loads((release / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return {}


def current_name(out_dir: Path) -> str | None:
    link = out_dir / "current"
    try:
        return Path(os.readlink(link)).name
    except OSError:
        return None


def list_releases(out_dir: Path) -> list[ReleaseInfo]:
    """Published releases, oldest first (by build time), with the current one and live leases marked."""
    folder = out_dir / RELEASES
    if not folder.is_dir():
        return []
    current = current_name(out_dir)
    leases = live_leases(out_dir)
    infos = []
    for path in folder.iterdir():
        if not path.is_dir() or path.name.startswith("."):
            continue
        manifest = read_manifest(path)
        infos.append(ReleaseInfo(path.name, path, manifest, path.name == current,
                                 tuple(sorted(leases.get(path.name, ())))))
    # built_at has whole seconds; the folder's mtime (its manifest, written last) orders builds within one
    return sorted(infos, key=lambda r: (r.built_at or _mtime(r.path), r.path.stat().st_mtime_ns, r.name))


def _mtime(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------- leases


class Lease:
    """A lock held on a release while a process reads it (see the module docstring)."""

    def __init__(self, out_dir: Path, release: str) -> None:
        self.release = release
        folder = out_dir / LEASES
        folder.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex[:8]
        # locked under a temporary name, then renamed: a pruner never sees an unlocked lease
        tmp = folder / f".{release}.{os.getpid()}.{token}.tmp"
        self.path = folder / f"{release}.{os.getpid()}.{token}.lease"
        self._handle: IO[str] | None = open(tmp, "w")  # noqa: SIM115 - held open for the lease's life
        fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._handle.write(json.dumps({"release": release, "pid": os.getpid()}) + "\n")
        self._handle.flush()
        os.replace(tmp, self.path)

    def release_lease(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release_lease()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.release_lease()


def live_leases(out_dir: Path) -> dict[str, set[int]]:
    """Release name → pids holding a live lease; stale leases (their process is gone) are removed."""
    folder = out_dir / LEASES
    found: dict[str, set[int]] = {}
    if not folder.is_dir():
        return found
    for path in folder.glob("*.lease"):
        release, pid, _token, _ext = path.name.rsplit(".", 3)
        try:
            handle = open(path)  # noqa: SIM115 - closed below
        except FileNotFoundError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                found.setdefault(release, set()).add(int(pid))
                continue
            # nobody holds it: the process that took it has exited (or was killed)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            fcntl.flock(handle, fcntl.LOCK_UN)
    for tmp in folder.glob(".*.tmp"):  # a lease interrupted between open and rename
        with contextlib.suppress(OSError), open(tmp) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            tmp.unlink()
    return found


# ---------------------------------------------------------------------------------- clean-up


def clean_staging(out_dir: Path) -> list[Path]:
    """Remove what killed builds left behind (call with the build lock held): staging folders and
    half-made ``current`` links."""
    removed = []
    folder = out_dir / RELEASES
    if folder.is_dir():
        for path in folder.glob(".staging-*"):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for path in out_dir.glob(".current-*"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def prune(out_dir: Path, *, keep: int = KEEP_RELEASES) -> list[str]:
    """Delete releases beyond the ``keep`` newest, except the current one and any with a live lease
    (call with the build lock held). Returns the names removed."""
    removed = []
    releases = list_releases(out_dir)
    for info in releases[:-keep] if keep > 0 else releases:
        if info.current or info.leased_by:
            continue
        shutil.rmtree(info.path, ignore_errors=True)
        removed.append(info.name)
    return removed


def find_release(out_dir: Path, name: str | None = None, *, previous_of: Path | None = None) -> Path:
    """A published release folder by name (``None`` or ``current``: the current one; with
    ``previous_of``: the release that one was built after). Raises LookupError for anything else."""
    from graph.errors import UnknownEntityError

    if previous_of is not None and name is None:
        name = read_manifest(previous_of).get("previous")
        if not name:
            raise UnknownEntityError("release (no previous release is recorded for)", previous_of.name)
    if name is None or name == "current":
        name = current_name(out_dir)
        if name is None:
            raise UnknownEntityError("release (no current release in)", str(out_dir))
    if not name or name.startswith(".") or "/" in name or "\\" in name or name not in {
            r.name for r in list_releases(out_dir)}:
        raise UnknownEntityError("release", name)
    return out_dir / RELEASES / name


def current_release(out_dir: Path) -> Path:
    """The folder of the current release under ``out_dir``, or :class:`BuildNotFoundError`."""
    from graph.errors import BuildNotFoundError

    link = out_dir / "current"
    if not (link / QUADS_FILE).exists():
        raise BuildNotFoundError(f"no built graph in {out_dir} (run `iscm build` first)")
    return link.resolve()
