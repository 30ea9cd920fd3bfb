"""spaCy's tokenizer, matchers, documents and vocabulary, imported without the rest of spaCy.

``import spacy`` runs the package module, which imports spaCy's `Language`, every pipeline
component with its model architectures, the training loop and its command line: 0.1-0.2 s of
every worker start that the alias pipeline (`nlp.alias_pipeline`: tokenizer, vocabulary,
`PhraseMatcher`, `Doc`) does not use. `import_spacy_core()` imports the modules it uses with
placeholders standing for the three package modules that bring the rest (`spacy`,
`spacy.pipeline`, `spacy.training`): submodules import from them as usual, and the package
modules do not run.

spaCy stays whole for any other use: the first attribute a placeholder lacks (``spacy.load``) or
the first import of a spaCy module not yet imported (``from spacy.language import Language``)
removes the placeholders and imports spaCy the usual way (without its command line:
`import_spacy`), reusing the modules already imported. Should this version of spaCy need
anything else while its core is imported, spaCy is imported whole at once.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Imported in this order: the order in which ``import spacy`` first imports each of them.
CORE_MODULES = ("spacy.errors", "spacy.util", "spacy.tokens", "spacy.training.example",
                "spacy.tokenizer", "spacy.matcher", "spacy.vocab", "spacy.attrs",
                "spacy.lang.lex_attrs")
PLACEHOLDERS = ("spacy", "spacy.pipeline", "spacy.training")
# What spaCy's core takes from the placeholder of `spacy.training` (``from .training import``).
_TRAINING_NAMES = ("Example", "validate_examples")

_when_whole: list[Callable[[], object]] = []


class _Placeholder(types.ModuleType):
    """A package whose own module has not run: the first attribute it lacks makes spaCy whole."""

    completes = False  # not while spaCy's core is being imported (nor within `core_imports`)

    def __getattr__(self, name: str):
        whole = sys.modules.get(self.__name__)
        if whole is None or whole is self:
            if not _Placeholder.completes:
                raise AttributeError(name)
            import_spacy()
            whole = sys.modules[self.__name__]
        return getattr(whole, name)  # a module that kept the placeholder reaches spaCy's own


class _Existing(importlib.abc.Loader):
    """Loader of a module imported already (while the import system was looking for it)."""

    def __init__(self, module: types.ModuleType):
        self.module, self.spec = module, module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec


class _WholeBeforeMore(importlib.abc.MetaPathFinder):
    """While placeholders stand, a spaCy module not imported yet makes spaCy whole first."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] != "spacy" or not _Placeholder.completes:
            return None
        import_spacy()
        module = sys.modules.get(fullname)
        if module is None or getattr(module, "__spec__", None) is None:
            return None  # found and loaded as usual, spaCy whole
        # Imported while spaCy was made whole: the import system takes a module's own spec when
        # the module appeared while it was looking; this one hands over the module as it is.
        spec = importlib.util.spec_from_loader(fullname, _Existing(module),
                                               origin=module.__spec__.origin,
                                               is_package=hasattr(module, "__path__"))
        module.__spec__ = spec
        return spec


_FINDER = _WholeBeforeMore()


def import_spacy_core(modules: tuple[str, ...] = CORE_MODULES) -> None:
    """Import `modules` of spaCy behind placeholders (see the module's docstring); spaCy whole
    if it is imported already, or if these modules need more of it."""
    if "spacy" in sys.modules:
        return
    placeholders = _placeholders()
    if placeholders is None:
        import_spacy()
        return
    sys.modules.update(placeholders)
    try:
        for name in modules:
            imported = importlib.import_module(name)
            if name == "spacy.errors":
                imported.setup_default_warnings()  # as spaCy's package module does first
            if name == "spacy.training.example":
                for attribute in _TRAINING_NAMES:
                    setattr(placeholders["spacy.training"], attribute, getattr(imported, attribute))
    except Exception:  # noqa: BLE001 - a spaCy whose core needs more: imported whole
        for name in [name for name in sys.modules if name.split(".")[0] == "spacy"]:
            del sys.modules[name]
        import_spacy()
        return
    _Placeholder.completes = True
    sys.meta_path.insert(0, _FINDER)


@contextmanager
def core_imports() -> Iterator[None]:
    """Within this block, spaCy modules that need no more than its core (`spacy.lang.fr`'s
    vocabulary modules) are imported behind the placeholders, which stay; a module that needs
    more fails to import (the caller then makes do without it)."""
    completes, _Placeholder.completes = _Placeholder.completes, False
    try:
        yield
    finally:
        _Placeholder.completes = completes and isinstance(sys.modules.get("spacy"), _Placeholder)


def _placeholders() -> dict[str, _Placeholder] | None:
    """Placeholders of `PLACEHOLDERS`, found where the import system would find them."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return None
    made: dict[str, _Placeholder] = {}
    for name in PLACEHOLDERS:
        below = name.split(".")[1:]
        folders = [str(Path(folder, *below)) for folder in spec.submodule_search_locations]
        init = Path(folders[0]) / "__init__.py"
        if not init.is_file():
            return None
        module = made[name] = _Placeholder(name)
        module.__spec__ = importlib.util.spec_from_file_location(
            name, init, submodule_search_locations=folders)
        module.__path__, module.__file__, module.__package__ = folders, str(init), name
        if below:
            setattr(made["spacy"], below[-1], module)
    return made


def import_spacy() -> None:
    """spaCy whole: the placeholders replaced by spaCy's own package modules (their
    submodules imported already are kept), then `when_whole` callbacks run."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    _Placeholder.completes = False
    for name in PLACEHOLDERS:
        if isinstance(sys.modules.get(name), _Placeholder):
            del sys.modules[name]
    if "spacy" not in sys.modules:
        _import_spacy_without_its_command_line()
        # The import system sets a submodule on its package when it loads the submodule: those
        # loaded while placeholders stood are set on the packages that replaced them.
        for name, module in list(sys.modules.items()):
            package, _, attribute = name.rpartition(".")
            if package.split(".")[0] == "spacy" and package in sys.modules \
                    and attribute not in vars(sys.modules[package]):
                setattr(sys.modules[package], attribute, module)
    while _when_whole:
        _when_whole.pop(0)()


def when_whole(callback: Callable[[], object]) -> None:
    """Call `callback` once spaCy is whole: now if it is, else when `import_spacy` runs."""
    if "spacy" in sys.modules and not isinstance(sys.modules["spacy"], _Placeholder):
        callback()
    else:
        _when_whole.append(callback)


def _import_spacy_without_its_command_line() -> None:
    """Import spaCy without importing its command line, which its package imports for one name,
    `spacy.info` (`spacy.cli` brings typer, rich, jinja2, requests, httpx and weasel: about
    0.15 s of every start). While spaCy's package runs, `spacy.cli.info` is a module whose `info`
    imports the real one when called; once spaCy is imported, nothing of it is left in
    `sys.modules`, so `import spacy.cli` later imports the real command line. Should a version
    of spaCy need more of `spacy.cli` while it is imported, spaCy is imported the usual way."""
    if "spacy" in sys.modules:
        return
    command_line = types.ModuleType("spacy.cli")
    command_line.__path__ = []  # a package, with nothing to find in it
    info_module = types.ModuleType("spacy.cli.info")

    def info(*args, **kwargs):
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    info_module.info = info  # type: ignore[attr-defined]
    stubs = {"spacy.cli": command_line, "spacy.cli.info": info_module}
    before = set(sys.modules)
    sys.modules.update(stubs)
    try:
        import spacy  # noqa: F401
    except Exception:  # a spaCy that needs more of its command line: imported below, as usual
        for name in [name for name in sys.modules if name not in before
                     and name.split(".")[0] == "spacy"]:
            del sys.modules[name]
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
    spacy_module = sys.modules.get("spacy")
    if spacy_module is not None and getattr(spacy_module, "cli", None) is command_line:
        del spacy_module.cli  # `spacy.cli` imports the real package from now on
    if "spacy" not in sys.modules:
        import spacy  # noqa: F401
