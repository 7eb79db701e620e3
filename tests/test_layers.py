"""The apps import only downward (docs/architecture.md, "Layers"), and no import hides
inside a function to dodge a cycle: what a lower app needs from a higher one reaches it
through a registry (org.holdings, org.sections, people.sections, history.subjects) or an
announcement (grassroots.announcements)."""

import ast
from pathlib import Path

import grassroots

PACKAGE = Path(grassroots.__file__).parent

# Lower number, lower layer. An app may import its own layer and those below it.
LAYERS = {
    "workdays": 0,
    "history": 1,
    "accounts": 1,
    "tasks": 1,
    "org": 2,
    "people": 3,
    "pipeline": 4,
    "transfers": 4,
    "plans": 4,
    "deadlines": 5,
    "reports": 5,
    "conferences": 6,
    "exchange": 6,
    "demo": 6,
    "core": 7,
}


# Pages above their app's layer: accounts' models and scope sit at the bottom, but its
# pages assign roles on units, so they read org's units (org never imports them).
ABOVE_THEIR_APP = {"accounts/views.py": "org", "accounts/forms.py": "org"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or parts[0] not in LAYERS:
            continue
        yield parts[0], path, ast.parse(path.read_text(), filename=str(path))


def _imported(node):
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


def test_every_app_has_a_layer():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps == set(LAYERS)


def _apps_under_project_modules():
    """{project module: apps it imports}: a module beside the apps (grassroots/pickers.py)
    must not carry an app upward either."""
    found = {}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        found[f"grassroots.{path.stem}"] = {
            module.split(".")[1]
            for node in ast.walk(tree)
            for module in _imported(node)
            if module.startswith("grassroots.") and module.split(".")[1] in LAYERS
        }
    return found


def test_apps_import_only_downward():
    upward = []
    through = _apps_under_project_modules()
    for app, path, tree in _modules():
        for node in ast.walk(tree):
            for module in _imported(node):
                parts = module.split(".")
                for carried in sorted(through.get(module, ())):
                    if LAYERS[carried] > LAYERS[app]:
                        upward.append(
                            f"{path.relative_to(PACKAGE)}:{node.lineno} imports "
                            f"{module}, which imports grassroots.{carried}"
                        )
                if parts[0] != "grassroots" or len(parts) < 2 or parts[1] not in LAYERS:
                    continue
                allowed = ABOVE_THEIR_APP.get(str(path.relative_to(PACKAGE))) == parts[1]
                if LAYERS[parts[1]] > LAYERS[app] and not allowed:
                    upward.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports {module}")
    assert not upward, "\n".join(upward)


def test_no_import_of_ours_inside_a_function():
    inside = []
    for _app, path, tree in _modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if function.name == "ready" and path.name == "apps.py":
                continue  # Django's place for imports that need the models loaded
            for node in ast.walk(function):
                if any(m.startswith("grassroots") for m in _imported(node)) or (
                    isinstance(node, ast.ImportFrom) and node.level > 0
                ):
                    inside.append(f"{path.relative_to(PACKAGE)}:{node.lineno} in {function.name}")
    assert not inside, "\n".join(inside)
