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

Compiling the tokenizer's five expressions (their letter classes) still takes 0.1 s of Python's
`re` compiler at every start. While `fast_token_match_compile()` is active, an expression of at
least `CACHED_MIN_LENGTH` characters is compiled once into the code `re` hands to its matching
engine (`_sre.compile`), kept in the cache folder in a file named by a hash of the expression, its
flags, this module's code and the Python version, and made into a pattern from that code in a few
milliseconds. A damaged file is compiled again and rewritten; a Python whose `re` is not built
the way this module expects compiles as usual, without the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

# Expressions shorter than this compile fast enough as they are.
MIN_LENGTH = 20_000
# Expressions at least this long are compiled once and their compiled code kept in the cache.
CACHED_MIN_LENGTH = 2_000
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
    path = _cache_path("token-match", _cache_key(pattern), "txt")
    stored = _read_cached(path, GROUPED)
    if stored is not None:
        return stored or None
    grouped = group_anchored_alternatives(pattern)
    _write_cached(path, GROUPED, grouped or "")
    return grouped


GROUPED = "grouped token-match expression"
COMPILED = "compiled expression"


def _cache_path(prefix: str, key: str, suffix: str) -> Path | None:
    try:
        return cache_dir() / f"{prefix}-{key}.{suffix}"
    except RuntimeError:  # no home folder to find a cache folder in: no cache
        return None


def _read_cached(path: Path | None, kind: str) -> str | None:
    """What `_write_cached` wrote at `path`; None when there is no such file or it does not hold
    what its header says."""
    try:
        stored = path.read_text(encoding="utf-8") if path else ""
    except (OSError, UnicodeDecodeError):
        return None
    header, _, body = stored.partition("\n")
    return body if header == _cache_header(kind, body) else None


def _write_cached(path: Path | None, kind: str, body: str) -> None:
    if path is not None:
        _write_atomically(path, f"{_cache_header(kind, body)}\n{body}")


def _cache_header(kind: str, body: str) -> str:
    """The first line of a cache file: what it is, and a hash of the rest (a file cut short or
    edited by hand does not match it)."""
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"ccas-extract {kind} {digest}"


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


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern | None:
    """`re.compile(pattern, flags)`, made from the compiled code kept in the cache folder (compiled
    and kept there when it is not); None when this Python's `re` is not built as expected."""
    try:
        import _sre
        from re import _compiler, _parser  # noqa: PLC0415 - CPython 3.11+ internals
    except ImportError:
        return None
    flags = int(flags)
    key = _cache_key(f"{sys.version}\n{_sre.MAGIC}\n{_sre.CODESIZE}\n{flags}\n{pattern}")
    path = _cache_path("compiled", key, "json")
    stored = _read_cached(path, COMPILED)
    if stored is not None:
        try:
            parts = json.loads(stored)
            return _sre.compile(pattern, parts["flags"], parts["code"], parts["groups"],
                                parts["groupindex"], tuple(parts["indexgroup"]))
        except Exception:  # noqa: BLE001, S110 - damaged: compiled again below
            pass
    try:  # as `re._compiler.compile` does
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        parts = {"flags": flags | parsed.state.flags, "code": code,
                 "groups": parsed.state.groups - 1, "groupindex": groupindex,
                 "indexgroup": indexgroup}
        compiled = _sre.compile(pattern, parts["flags"], code, parts["groups"], groupindex,
                                tuple(indexgroup))
    except Exception:  # noqa: BLE001 - not the `re` this module knows: compiled as usual
        return None
    _write_cached(path, COMPILED, json.dumps(parts, separators=(",", ":")))
    return compiled


@contextmanager
def fast_token_match_compile() -> Iterator[None]:
    """While active, `re.compile` groups long anchored-alternative expressions before compiling,
    and compiles long expressions from the code kept in the cache folder."""
    original = re.compile

    def compile_grouped(pattern, flags=0):
        if isinstance(pattern, str) and len(pattern) > MIN_LENGTH:
            pattern = factor_anchored_alternatives(pattern) or pattern
        if isinstance(pattern, str) and len(pattern) >= CACHED_MIN_LENGTH \
                and not int(flags) & re.DEBUG:
            compiled = compile_cached(pattern, flags)
            if compiled is not None:
                return compiled
        return original(pattern, flags)

    re.compile = compile_grouped
    try:
        yield
    finally:
        re.compile = original
