"""The shape of the engine, read from its import statements (ast, not by importing it): the packages are
the stages, and a stage imports the shared modules at the top and its own modules, never another stage's;
the shared modules import no stage; the model imports nothing that reads files or renders. Every module
and package opens with a docstring that says what it is for, and no function is longer than 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "compendium"
BENCH = PACKAGE.parent.parent / "bench"  # the benchmark, held to the same length of function and docstrings
STAGES = ("input", "charts", "web", "pdf", "linkcheck")
# What runs the stages: the commands and the pipeline may import any stage; authoring's commands write a
# contributor's files and read them back, with the input stage's loader and the web stage's page names.
ENTRY_POINTS = ("cli", "__main__", "pipeline", "offline", "serve_hook", "authoring")
# The model is plain data: it may know the vocabulary of figure links and nothing that reads or writes.
MODEL_MAY_IMPORT = {"figurelinks"}
READERS_AND_WRITERS = {"bibliography", "files", "yamlfile", "settings", "edition", "paths"}
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(PACKAGE).with_suffix("").parts): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The compendium modules a file imports, as dotted names under compendium (e.g. 'web.render')."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "compendium":
            base = node.module.removeprefix("compendium").lstrip(".")
            found |= {base} if base else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("compendium.") for a in node.names if a.name.startswith("compendium.")}
    return found


def _top(dotted: str) -> str:
    return dotted.split(".")[0]


def _layer(module: str) -> str:
    top = _top(module)
    if top in STAGES:
        return top
    return "entry" if top.removesuffix(".__init__") in ENTRY_POINTS else "shared"


def crossings() -> list[str]:
    """Each import that goes against the layers: 'web.render -> charts.draw'."""
    wrong = []
    for module, path in _modules().items():
        layer = _layer(module)
        for target in sorted(_imports(path)):
            target_layer = _layer(target) if target else "shared"
            if layer == "entry" or (target_layer == "shared" and layer != "shared"):
                continue
            if (layer == "shared" and target_layer == "shared") or target_layer == layer:
                continue
            wrong.append(f"{module} -> {target}")
    return wrong


def test_no_stage_imports_another_stage_and_shared_modules_import_no_stage() -> None:
    assert crossings() == []


def _closure(module: str) -> set[str]:
    """Every engine module that importing module imports, itself included."""
    known, todo = _modules(), [module]
    seen: set[str] = set()
    while todo:
        current = todo.pop()
        if current in seen or current not in known:
            continue
        seen.add(current)
        todo += [m if m in known else f"{m}.__init__" for m in _imports(known[current])]
    return seen


def _bench_modules() -> list[Path]:
    return sorted(BENCH.rglob("*.py"))


@pytest.mark.parametrize("path", [*_modules().values(), *_bench_modules()],
                         ids=lambda p: p.relative_to(PACKAGE.parent.parent).as_posix())
def test_every_module_says_what_it_is_for(path: Path) -> None:
    if path.name == "__main__.py" and path.is_relative_to(PACKAGE):
        return
    docstring = ast.get_docstring(ast.parse(path.read_text("utf-8")))
    assert docstring and len(docstring) > 20, f"{path} opens with no docstring"


def long_functions(paths: list[Path] | None = None) -> list[str]:
    """Each function longer than MAX_FUNCTION_LINES in paths (by default every module of the engine and of the
    benchmark), as 'web/render.py:120 render_pages (75)'."""
    found = []
    for path in [*_modules().values(), *_bench_modules()] if paths is None else paths:
        name = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else \
            path.relative_to(BENCH.parent) if path.is_relative_to(BENCH) else path.name
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append(f"{name}:{node.lineno} {node.name} ({lines})")
    return found


def test_no_function_is_longer_than_sixty_lines() -> None:
    assert long_functions() == []


def test_the_checks_catch_what_they_guard(tmp_path: Path) -> None:
    """A stage importing another, and a long function, are found (so the tests above can fail)."""
    source = tmp_path / "fake.py"
    source.write_text("from compendium.web.render import x\nfrom compendium import wording\n"
                      "import compendium.charts.draw\n", "utf-8")
    assert _imports(source) == {"web.render", "wording", "charts.draw"}
    assert _layer("pdf.document") == "pdf" and _layer("wording") == "shared" and _layer("authoring.synth") == "entry"
    # A function of 61 lines is found, one of 60 is not (both counted from the def to the last line).
    functions = tmp_path / "functions.py"
    functions.write_text("def sixty():\n" + "".join(f"    x{i} = {i}\n" for i in range(58)) + "    return x0\n\n\n"
                         "def sixty_one():\n" + "".join(f"    x{i} = {i}\n" for i in range(59)) + "    return x0\n",
                         "utf-8")
    assert long_functions([functions]) == ["functions.py:63 sixty_one (61)"]
