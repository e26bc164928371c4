"""The engine's public functions are documented and typed: each has a
docstring, and annotations on every parameter and on its return value."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "trialsim"


def public_functions():
    """(module path, qualified name, node) for every public function and
    method of the package: not starting with '_', in a public class or at
    module level, nested functions excluded."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                yield path.relative_to(SRC).as_posix(), node.name, node
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                        yield path.relative_to(SRC).as_posix(), f"{node.name}.{item.name}", item


def test_there_are_public_functions_to_check():
    assert len(list(public_functions())) > 140


def test_every_public_function_has_a_docstring():
    missing = [f"{mod}: {name}" for mod, name, node in public_functions() if not ast.get_docstring(node)]
    assert missing == []


def test_every_public_function_is_annotated():
    missing = []
    for mod, name, node in public_functions():
        args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        args += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
        unannotated = [a.arg for a in args if a.annotation is None and a.arg not in ("self", "cls")]
        if unannotated:
            missing.append(f"{mod}: {name} ({', '.join(unannotated)})")
        if node.returns is None and node.name != "__init__":
            missing.append(f"{mod}: {name} (return)")
    assert missing == []
