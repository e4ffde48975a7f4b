"""Dependencies shared by the routes: the loaded graph, read-only, created once at start-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.loader import ISCMGraph


def get_graph(request: Request) -> ISCMGraph:
    return request.app.state.graph


GraphDep = Annotated[ISCMGraph, Depends(get_graph)]
