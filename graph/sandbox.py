"""Walls around a query worker process (Linux): no outbound network, a memory cap, no orphans.

The query guard (:func:`graph.sparql.check_query`) is the first wall against SERVICE; this is the
second, for the day the guard and an engine disagree again. Both pyoxigraph (in Rust) and rdflib
(in Python) open their own sockets, so the wall must be below both: a seccomp filter makes
``socket(AF_INET | AF_INET6, …)`` fail with ``EACCES`` in the worker and every thread it starts
(Unix sockets, which the worker's pipe to the server uses, still work). It needs no privileges.
A worker that talks to a remote store needs the network and does not get this wall.

The memory cap is ``RLIMIT_DATA`` (heap and private mappings; the store's memory-mapped files do
not count) set to what the worker holds after loading plus a budget per query.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import resource
import signal
import struct

_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_EACCES = 0x00050000 | 13  # SECCOMP_RET_ERRNO | EACCES
_AF_INET, _AF_INET6 = 2, 10
# machine -> (AUDIT_ARCH, socket syscall number, first number of another ABI on the same arch)
_ARCHES = {"x86_64": (0xC000003E, 41, 0x40000000), "aarch64": (0xC00000B7, 198, None)}


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _program(arch: int, nr_socket: int, other_abi: int | None) -> bytes:
    def op(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
    # offsets into struct seccomp_data: nr 0, arch 4, args[0] 16 (low half on little-endian)
    prog = [op(ld, 0, 0, 4), op(jeq, 1, 0, arch), op(ret, 0, 0, _RET_EACCES),  # another ABI: refuse
            op(ld, 0, 0, 0)]
    if other_abi is not None:
        prog.append(op(jge, 5, 0, other_abi))  # x32 syscalls: refuse
    prog += [op(jeq, 0, 3, nr_socket), op(ld, 0, 0, 16),
             op(jeq, 2, 0, _AF_INET), op(jeq, 1, 0, _AF_INET6),
             op(ret, 0, 0, _RET_ALLOW), op(ret, 0, 0, _RET_EACCES)]
    return b"".join(prog)


def block_network() -> bool:
    """Forbid Internet sockets in this process and its future threads; False where unsupported."""
    spec = _ARCHES.get(platform.machine())
    if spec is None or platform.system() != "Linux":
        return False
    libc = _libc()
    code = _program(*spec)
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _Filter(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0


def die_with_parent() -> None:
    """Be killed when the server process dies, so a runaway query never outlives it."""
    if platform.system() == "Linux":
        _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def data_size() -> int:
    """Bytes of this process's data segment and private mappings (``VmData``)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def cap_memory(budget: int) -> int:
    """Let this process allocate ``budget`` more bytes than it holds now; returns the limit."""
    limit = data_size() + budget
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    return limit
