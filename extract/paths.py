"""Where the project's data files live, in a source checkout and in an installed wheel.

`schemas/` (catalogue, word lists, layout rules, fitted weights, JSON Schemas) and `datasette/`
(metadata, templates, plugins) stay at the top of the repository, the one place people read and
edit them. The wheel carries them inside the package, as `extract/data/schemas/` and
`extract/data/datasette/` (the `package-dir` mapping of pyproject.toml), found here through
`importlib.resources`; a source checkout or an editable install reads the top-level folders.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def data_dir(name: str) -> Path:
    """The folder `name` (``schemas`` or ``datasette``): packaged copy in a wheel, else the source."""
    packaged = files(__package__).joinpath("data", name)
    if packaged.is_dir():
        return Path(str(packaged))
    return PROJECT_DIR / name


SCHEMAS_DIR = data_dir("schemas")
DATASETTE_DIR = data_dir("datasette")
# In a checkout the database sits in the project's data/; installed, in ./data of the caller.
IN_CHECKOUT = (PROJECT_DIR / "pyproject.toml").is_file()
DEFAULT_DB = (PROJECT_DIR if IN_CHECKOUT else Path()) / "data" / "rapports.db"
