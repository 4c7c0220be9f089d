"""Apps depend downward only (docs/architecture.md): a lower app never imports a higher one, so no two apps
import each other, directly or round a longer loop. Tests, migrations and management commands are left out: they
may use any app."""

import ast
import collections
from pathlib import Path

from django.apps import apps

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT_FOLDERS = {"tests", "migrations", "management"}


def project_apps() -> list[str]:
    return sorted(config.name for config in apps.get_app_configs() if Path(config.path).parent == PROJECT_ROOT)


def app_imports() -> dict[str, dict[str, set[str]]]:
    """For each app, the other apps it imports and, for each, the modules that import it."""
    names = set(project_apps())
    imports: dict[str, dict[str, set[str]]] = {name: collections.defaultdict(set) for name in names}
    for app in names:
        for path in (PROJECT_ROOT / app).rglob("*.py"):
            module = path.relative_to(PROJECT_ROOT)
            if LEFT_OUT_FOLDERS & set(module.parts):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported = [node.module]
                else:
                    continue
                for name in imported:
                    top = name.split(".")[0]
                    if top in names and top != app:
                        imports[app][top].add(str(module))
    return imports


def import_loops(imports: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The groups of apps that reach each other through imports (strongly connected components of more than one
    app, by Tarjan's algorithm), each sorted by name."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(app: str) -> None:
        order[app] = lowest[app] = len(order)
        stack.append(app)
        for imported in sorted(imports[app]):
            if imported not in order:
                visit(imported)
                lowest[app] = min(lowest[app], lowest[imported])
            elif imported in stack:
                lowest[app] = min(lowest[app], order[imported])
        if lowest[app] == order[app]:
            group = []
            while (member := stack.pop()) != app:
                group.append(member)
            group.append(app)
            if len(group) > 1:
                loops.append(sorted(group))

    for app in sorted(imports):
        if app not in order:
            visit(app)
    return sorted(loops)


def test_the_import_graph_has_no_cycle_between_apps():
    # given
    imports = app_imports()
    # when
    loops = import_loops(imports)
    # then
    described = [
        "、".join(loop)
        + "：\n"
        + "\n".join(
            f"    {importer} → {imported}：{', '.join(sorted(modules))}"
            for importer in loop
            for imported, modules in sorted(imports[importer].items())
            if imported in loop
        )
        for loop in loops
    ]
    assert loops == [], "应用之间有循环依赖：\n" + "\n".join(described)


def test_a_loop_is_found_and_named_once():
    # given: a → b → c → a, d → a, and e alone
    imports = {
        "a": {"b": {"a/x.py"}},
        "b": {"c": {"b/y.py"}},
        "c": {"a": {"c/z.py"}},
        "d": {"a": {"d/w.py"}},
        "e": {},
    }
    # when / then
    assert import_loops(imports) == [["a", "b", "c"]]
