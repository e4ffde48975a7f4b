"""The ISCM ontology and SHACL shapes, shipped with the package so a build needs no checkout."""

from importlib.resources import files
from pathlib import Path

ONTOLOGY_PATH = Path(str(files(__name__).joinpath("iscm.ttl")))
SHAPES_PATH = Path(str(files(__name__).joinpath("shapes.ttl")))
