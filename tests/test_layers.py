"""STYLE.md 2 and 3, read from the source: layers point one way, markup lives in templates."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("clinic", "sessions_app", "calendars", "audit", "notifications")
HTML = re.compile(
    r"<(div|span|tr|td|li|ul|a|p|button|form|table|section|header|nav|small|strong|time)[ >]"
)


def sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imports(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the file's package
                package = path.relative_to(ROOT).parent.parts
                base = package[: len(package) - node.level + 1]
                module = ".".join((*base, module) if module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _module(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


@pytest.mark.parametrize("path", list(sources()), ids=_module)
def test_no_markup_in_python_strings(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not HTML.search(node.value), f"{_module(path)}:{node.lineno} holds markup"


def _views():
    for path in sources():
        name = _module(path)
        if (".views" in name or name.endswith("views")) and ".api." not in name:
            yield path


@pytest.mark.parametrize("path", list(_views()), ids=_module)
def test_html_views_use_selectors_not_machinery_templatetags_or_the_api(path):
    for name in imports(path):
        assert not name.startswith("clinic.compiled"), name
        assert ".templatetags" not in name, name
        assert not name.startswith("sessions_app.api"), name


def test_models_and_the_api_import_no_compiled_sql():
    for path in [
        *(ROOT / app / "models.py" for app in APPS),
        *(ROOT / "sessions_app" / "api").glob("*.py"),
    ]:
        assert not any(name.startswith("clinic.compiled") for name in imports(path)), path


def test_only_selectors_use_the_compiled_sql():
    users = {
        _module(path)
        for path in sources()
        if any(name.startswith("clinic.compiled") for name in imports(path))
    }
    # The reads' selectors, and the audit trail's one INSERT a request (a write).
    assert users <= {
        "sessions_app.selectors",
        "calendars.selectors",
        "clinic.selectors",
        "audit.selectors",
        "audit.services",
    }, users
