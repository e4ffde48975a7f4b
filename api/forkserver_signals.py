"""Imported by the query workers' fork server only (:data:`api.queryworker.PRELOAD`), never by the
API server: the fork server leaves SIGINT and SIGTERM to the server, as the workers do
(:func:`graph.workers.ignore_stop_signals`).

The workers are the fork server's children and die with it (``die_with_parent``). A signal to the
whole process group (Ctrl-C, ``systemctl stop``) used to end the fork server at once, and with it
every worker, while the server was still finishing its queries in flight: their clients got a 500.
The fork server ends when the server closes its end of the fork server's pipe.
"""

from __future__ import annotations

from graph.workers import ignore_stop_signals

ignore_stop_signals()
