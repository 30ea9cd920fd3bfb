"""A faster-compiling equivalent of spaCy's French token-match expression.

spaCy's French tokenizer matches whole tokens such as `faux-semblant` or `entr'ouvert` with one
expression of 266 anchored alternatives (``^…$``), each repeating Unicode letter classes of
1,000-3,000 characters; Python compiles it in 3.2-3.7 s at every start (at import, and again when
the model's tokenizer is loaded). Since concatenation distributes over alternation,
``^A X Z$|^A Y Z$`` matches exactly the strings ``^A(?:X|Y)Z$`` matches: grouping the alternatives
that share their leading and trailing letter classes gives the same matches with a handful of
letter classes, compiled in a few hundredths of a second.

`fast_token_match_compile()` applies that rewriting to every expression compiled while it is
active that has this shape (optional inline flags, then anchored alternatives); any other
expression is compiled unchanged. `tests/test_tokenizer_regex.py` checks identical tokens.

Grouping the 1.4 MB expression takes about 0.1 s of Python at every start, so the grouped form is
kept in the user's cache folder (`cache_dir()`), in a file named by a hash of the expression and of
this module's code: another spaCy, or another version of this grouping, reads another file. A file
that is unreadable or does not hold what its name says is grouped again and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

# Expressions shorter than this compile fast enough as they are.
MIN_LENGTH = 20_000
# A character class longer than this is a "letter class", the costly part to compile.
BIG_CLASS = 200
_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})[?+]?")


# One lexeme: an escape, a whole character class, a parenthesis or bar, or a run of other text.
_LEXEME = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|[()|]|[^\\\[()|]+", re.S)


def _lexemes(text: str) -> list[str]:
    return _LEXEME.findall(text)


def _atoms(body: str) -> list[str] | None:
    """Split a regex body into top-level atoms (each with its quantifier); None if it has `|`."""
    atoms: list[str] = []
    depth = 0
    for lexeme in _lexemes(body):
        if lexeme == "|" and depth == 0:
            return None
        if depth == 0 and lexeme != ")":
            # text outside groups: every character is an atom, a quantifier joins the last one
            for piece in _split_text(lexeme):
                if _QUANTIFIER.fullmatch(piece) and atoms:
                    atoms[-1] += piece
                else:
                    atoms.append(piece)
        else:
            atoms[-1] += lexeme
        depth += {"(": 1, ")": -1}.get(lexeme, 0)
        if depth < 0:
            return None
    return atoms


def _split_text(lexeme: str) -> list[str]:
    """A lexeme outside any group as atoms: a class, an escape, a `(`, single characters or a
    quantifier."""
    if lexeme.startswith(("[", "\\")) or lexeme in "()|":
        return [lexeme]
    return _QUANTIFIER_OR_CHAR.findall(lexeme)


_QUANTIFIER_OR_CHAR = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})[?+]?|.", re.S)


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, current, depth = [], [], 0
    for lexeme in _lexemes(pattern):
        if lexeme == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += {"(": 1, ")": -1}.get(lexeme, 0)
        current.append(lexeme)
    parts.append("".join(current))
    return parts


def _is_big(atom: str) -> bool:
    return atom.startswith("[") and len(atom) > BIG_CLASS


@cache
def factor_anchored_alternatives(pattern: str) -> str | None:
    """The equivalent grouped form of ``flags ^…$|^…$|…``, or None when `pattern` is not one;
    read from the cache folder when an earlier run grouped the same expression."""
    try:
        path: Path | None = cache_dir() / f"token-match-{_cache_key(pattern)}.txt"
    except RuntimeError:  # no home folder to find a cache folder in: no cache
        path = None
    try:
        stored = path.read_text(encoding="utf-8") if path else ""
    except (OSError, UnicodeDecodeError):
        stored = ""
    header, _, grouped = stored.partition("\n")
    if header == _cache_header(grouped):
        return grouped or None
    grouped = group_anchored_alternatives(pattern)
    if path is not None:
        _write_atomically(path, f"{_cache_header(grouped or '')}\n{grouped or ''}")
    return grouped


def _cache_header(grouped: str) -> str:
    """The first line of a cache file: what it is, and a hash of the rest (a file cut short or
    edited by hand does not match it)."""
    digest = hashlib.sha256(grouped.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"ccas-extract grouped token-match expression {digest}"


def cache_dir() -> Path:
    """Where compiled artefacts are kept between runs: ``$CCAS_EXTRACT_CACHE``, else
    ``$XDG_CACHE_HOME/ccas-extract``, else ``~/.cache/ccas-extract``."""
    folder = os.environ.get("CCAS_EXTRACT_CACHE")
    if folder:
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ccas-extract"


@cache
def _code_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _cache_key(pattern: str) -> str:
    digest = hashlib.sha256(_code_hash().encode())
    digest.update(pattern.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file (a reader sees all or nothing); a cache
    that cannot be written (read-only home, full disk) only costs the next run the time again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=path.name, suffix=".tmp") as temporary:
            temporary.write(text)
    except OSError:
        return
    try:
        os.replace(temporary.name, path)
    except OSError:
        Path(temporary.name).unlink(missing_ok=True)


def group_anchored_alternatives(pattern: str) -> str | None:
    """`factor_anchored_alternatives` computed, without the cache."""
    flags = _FLAGS.match(pattern)
    head = flags.group() if flags else ""
    alternatives = _top_level_alternatives(pattern[len(head):])
    if not alternatives or len(alternatives) < 2:
        return None
    groups: dict[tuple[str, str], list[str]] = {}
    for alternative in alternatives:
        atoms = _atoms(alternative)
        if atoms is not None and len(atoms) == 1 and atoms[0].startswith("(?:") \
                and atoms[0].endswith(")"):
            atoms = _atoms(atoms[0][3:-1])
        if not atoms or len(atoms) < 2 or atoms[0] != "^" or atoms[-1] != "$":
            return None
        atoms = atoms[1:-1]
        lead = 0
        while lead < len(atoms) and _is_big(atoms[lead]):
            lead += 1
        tail = next((i for i in range(lead, len(atoms)) if _is_big(atoms[i])), len(atoms))
        key = ("".join(atoms[:lead]), "".join(atoms[tail:]))
        groups.setdefault(key, []).append("".join(atoms[lead:tail]))
    grouped = [f"^{lead}(?:{'|'.join(middles)}){tail}$" for (lead, tail), middles in groups.items()]
    return head + "|".join(f"(?:{g})" for g in grouped)


@contextmanager
def fast_token_match_compile() -> Iterator[None]:
    """While active, `re.compile` groups long anchored-alternative expressions before compiling."""
    original = re.compile

    def compile_grouped(pattern, flags=0):
        if isinstance(pattern, str) and len(pattern) > MIN_LENGTH:
            pattern = factor_anchored_alternatives(pattern) or pattern
        return original(pattern, flags)

    re.compile = compile_grouped
    try:
        yield
    finally:
        re.compile = original
