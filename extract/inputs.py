"""Which paths are reports: folders walked safely, non-reports recognised (`schemas/inputs.yaml`).

`find_reports(paths)` expands the paths named on the command line into report files. A file named
is always taken; in a folder, only the supported extensions, and a symlink only when it points
inside one of the folders given (a link to a system file is not followed); a symlink loop, an
unreadable sub-folder or a missing path is a problem line, not an exception. Files whose name
says they are not reports (README, SOURCES, LICENSE…) are set aside with their reason;
`is_report_text` applies the content test to the text of the others once it is read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .paths import SCHEMAS_DIR
from .reader import SUPPORTED_SUFFIXES

_FIGURE = re.compile(r"\d+")


@dataclass
class FoundFiles:
    files: list[tuple[Path, bool]] = field(default_factory=list)  # (path, found in a folder)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    not_reports: list[tuple[str, str]] = field(default_factory=list)  # (path, why)


@cache
def input_rules() -> dict:
    return yaml.safe_load((SCHEMAS_DIR / "inputs.yaml").read_text(encoding="utf-8"))


def _fold(text: str) -> str:
    from .catalogue import fold

    return fold(text)


def is_report_text(text: str) -> str | None:
    """None when `text` reads like an activity report, else why it does not."""
    rules = input_rules()
    figures = len(_FIGURE.findall(text[:200_000]))
    if figures < rules["min_figures"]:
        return f"not a report: {figures} figures in the whole text"
    folded = _fold(text[:200_000])
    if not any(word in folded for word in rules["report_words"]):
        return "not a report: none of the words of an activity report (CCAS, CIAS, action sociale…)"
    return None


def _not_report_name(path: Path) -> str | None:
    if path.stem.lower().replace("-", "_") in input_rules()["not_report_names"]:
        return f"not a report: {path.name} is a project file"
    return None


def _link_problem(path: Path, roots: list[Path]) -> str | None:
    """Why a symlink found in a folder is not followed, or None when it is."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symlink loop: not followed"
    except OSError as error:
        return "symlink loop: not followed" if error.errno == 40 else "broken symlink: not followed"
    if not any(target == root or root in target.parents for root in roots):
        return "symlink to a file outside the folders given: not followed"
    return None


def find_reports(paths: Iterable[str | Path]) -> FoundFiles:
    """Expand files and folders into report files; problems and non-reports are set aside."""
    found = FoundFiles()
    named = [Path(raw) for raw in paths]
    roots = [p.resolve() for p in named if p.is_dir()]
    seen: set[Path] = set()

    def take(path: Path, from_folder: bool) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.files.append((path, from_folder))

    for path in named:
        if path.is_symlink() and not path.exists():
            reason = _link_problem(path, [])
            found.problems.append((str(path), reason.replace(": not followed", "")
                                   if reason else "broken symlink"))
        elif path.is_dir():
            _walk(path, roots, found, take)
        elif path.is_file():
            take(path, False)
        elif path.exists():
            found.problems.append((str(path), "not a regular file"))
        else:
            found.problems.append((str(path), "no such file or folder"))
    return found


def _walk(folder: Path, roots: list[Path], found: FoundFiles, take) -> None:
    before = len(found.files) + len(found.not_reports)

    def unreadable(error: OSError) -> None:
        found.problems.append((str(error.filename), f"cannot read folder ({error.strerror})"))

    for directory, subfolders, names in os.walk(folder, onerror=unreadable):
        subfolders.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if path.is_symlink():
                problem = _link_problem(path, roots)
                if problem:
                    found.problems.append((str(path), problem))
                    continue
            if not path.is_file():
                continue
            why = _not_report_name(path)
            if why:
                found.not_reports.append((str(path), why))
            else:
                take(path, True)
    if len(found.files) + len(found.not_reports) == before and not any(
        p == str(folder) for p, _ in found.problems
    ):
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        found.problems.append((str(folder), f"folder has no reports ({allowed})"))
