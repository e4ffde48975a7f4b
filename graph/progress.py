"""Progress bars for the command line (rich, on standard error): a bar over a command's named
stages, so a long build, validation, ingestion, publication or map says where it is and for how
long it has been at it. Nothing is drawn when standard error is not a terminal (logs, tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


@contextmanager
def stages(console: Console, title: str, total: int) -> Iterator[Callable[[str], None]]:
    """``step(message)`` ends the current stage and starts the next, named ``message``; the bar is
    full when the block ends normally (a stage the command skipped counts as done)."""
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[title]}[/]"), BarColumn(),
                  MofNCompleteColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("starting…", total=total, title=title)
        started = False

        def step(message: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            bar.update(task, description=message)

        yield step
        bar.update(task, completed=total)
