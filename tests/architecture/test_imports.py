"""The import graph follows the architecture (ARCHITECTURE.md, issue 7 point 10).

Every .py module of the apps and of the project package is parsed (migrations
and tests are not) and each import is resolved to the absolute dotted name it
brings in: `import x.y`, `from x import y` (as `x.y`, which may be a submodule),
relative imports (`from ..services import z` inside `standardwork/selectors/`
is `standardwork.services.z`), and imports anywhere in the module, inside
functions and `if TYPE_CHECKING:` blocks too. Each rule is its own test and
names the file:line and the import of every violation.

- `roles` imports neither `standardwork` nor `valuestream`;
- `standardwork` does not import `valuestream`;
- an app imports from the project package only its ground floor
  `leanops.base`. Not `leanops.celery` either: the Celery app object is
  wiring, and an app's tasks use `celery.shared_task`. Nor `leanops` itself,
  whose `__init__` is the Celery app;
- the ground floor `leanops.base` imports no app and nothing of the floor
  above it;
- a selector (`<app>.selectors` or a module of that package) imports no
  services module.

Imports by string (`importlib.import_module`, `apps.get_model`) are not seen.
`test_the_checker_catches_each_violation` feeds the checker a small synthetic
source for each rule, so a checker that finds nothing cannot pass silently.
"""

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("roles", "standardwork", "valuestream")
PROJECT = "leanops"
GROUND_FLOOR = "leanops.base"
PACKAGES = (*APPS, PROJECT)
SKIPPED_DIRECTORIES = {"migrations", "tests", "__pycache__"}


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. "standardwork.selectors.standups"
    path: str  # relative to the repository, e.g. "standardwork/selectors/standups.py"
    source: str

    @property
    def is_package(self) -> bool:
        return self.path.endswith("__init__.py")


@dataclass(frozen=True)
class Import:
    module: Module
    line: int
    target: str  # the absolute dotted name brought in, e.g. "standardwork.services.cycles"
    statement: str

    def __str__(self) -> str:
        return f"{self.module.path}:{self.line}: {self.statement}  (imports {self.target})"


def project_modules() -> list[Module]:
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if SKIPPED_DIRECTORIES & set(relative.parts[:-1]):
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules.append(Module(".".join(parts), relative.as_posix(), path.read_text()))
    return modules


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    """The package a `from ... import` names, with relative levels resolved."""
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.is_package:
        package.pop()
    if node.level > 1:
        package = package[: -(node.level - 1)] if node.level - 1 <= len(package) else []
    assert package, f"{module.path}:{node.lineno}: relative import beyond the top level"
    return ".".join([*package, node.module] if node.module else package)


def imports_of(module: Module) -> list[Import]:
    tree = ast.parse(module.source, filename=module.path)
    lines = module.source.splitlines()
    found = []
    for node in ast.walk(tree):  # every node: imports inside functions and blocks too
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            # `from x import y` may bring in the submodule x.y: judge x.y, which
            # matches every rule about x as well.
            targets = [
                base if alias.name == "*" else f"{base}.{alias.name}" for alias in node.names
            ]
        else:
            continue
        statement = lines[node.lineno - 1].strip()
        found.extend(Import(module, node.lineno, target, statement) for target in targets)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _top(name: str) -> str:
    return name.split(".")[0]


# --- the rules: each takes the imports of the modules and returns the violations ---


def roles_imports_an_app_above(imports: Iterable[Import]) -> list[Import]:
    return [
        i
        for i in imports
        if _within(i.module.name, "roles") and _top(i.target) in {"standardwork", "valuestream"}
    ]


def standardwork_imports_valuestream(imports: Iterable[Import]) -> list[Import]:
    return [
        i
        for i in imports
        if _within(i.module.name, "standardwork") and _within(i.target, "valuestream")
    ]


def app_imports_the_wiring(imports: Iterable[Import]) -> list[Import]:
    """An app imports from the project package only its ground floor."""
    return [
        i
        for i in imports
        if _top(i.module.name) in APPS
        and _within(i.target, PROJECT)
        and not _within(i.target, GROUND_FLOOR)
    ]


def ground_floor_imports_above_it(imports: Iterable[Import]) -> list[Import]:
    """leanops.base imports no app, and nothing of the project package's floor above."""
    return [
        i
        for i in imports
        if _within(i.module.name, GROUND_FLOOR)
        and (
            _top(i.target) in APPS
            or (_within(i.target, PROJECT) and not _within(i.target, GROUND_FLOOR))
        )
    ]


def _layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] in PACKAGES else None


def selector_imports_a_service(imports: Iterable[Import]) -> list[Import]:
    return [
        i
        for i in imports
        if _layer(i.module.name) == "selectors" and _layer(i.target) == "services"
    ]


Rule = Callable[[Iterable[Import]], list[Import]]
RULES: dict[str, Rule] = {
    rule.__name__: rule
    for rule in (
        roles_imports_an_app_above,
        standardwork_imports_valuestream,
        app_imports_the_wiring,
        ground_floor_imports_above_it,
        selector_imports_a_service,
    )
}

# Violations in the code as it stands, each with what removes it:
# (rule, file, imported module) -> reason. The rule's own test ignores exactly
# these; test_known_violations_are_still_there is an xfail while any is listed
# and turns red the day one is fixed, to have its entry removed here.
KNOWN_VIOLATIONS: dict[tuple[str, str, str], str] = {}


def _is_known(rule: Rule, violation: Import) -> bool:
    return any(
        name == rule.__name__
        and violation.module.path == path
        and _within(violation.target, module)
        for name, path, module in KNOWN_VIOLATIONS
    )


def _assert_none(rule: Rule, imports: list[Import], advice: str) -> None:
    violations = [violation for violation in rule(imports) if not _is_known(rule, violation)]
    if violations:
        lines = "\n".join(f"  {violation}" for violation in violations)
        pytest.fail(f"{rule.__name__.replace('_', ' ')}:\n{lines}\n{advice}", pytrace=False)


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return [found for module in project_modules() for found in imports_of(module)]


def test_the_walk_sees_every_app_and_the_project_package(imports):
    modules = {module.name for module in project_modules()}

    assert {"roles.models", "standardwork.services", "leanops.base.forms"} <= modules
    assert {"leanops.celery", "leanops.urls", "valuestream.models"} <= modules
    assert not [name for name in modules if ".migrations" in name], "migrations are skipped"
    assert len(imports) > 200, "the walk found suspiciously few imports"


def test_roles_imports_neither_standardwork_nor_valuestream(imports):
    _assert_none(
        roles_imports_an_app_above,
        imports,
        "roles is the apps' ground floor: a rule about standard work lives in "
        "standardwork, built on the predicates of roles.policy.",
    )


def test_standardwork_does_not_import_valuestream(imports):
    _assert_none(
        standardwork_imports_valuestream,
        imports,
        "valuestream calls standardwork's services, never the reverse.",
    )


def test_apps_import_only_the_ground_floor_of_the_project_package(imports):
    _assert_none(
        app_imports_the_wiring,
        imports,
        f"Apps may import {GROUND_FLOOR} only. The rest of {PROJECT} (settings, urls, the "
        "Celery app in leanops.celery and leanops/__init__, its tasks, models and "
        "management commands) is the wiring on top of the apps: use django.conf.settings "
        "and celery.shared_task, or move the helper into leanops.base.",
    )


def test_the_ground_floor_imports_no_app_and_nothing_above_it(imports):
    _assert_none(
        ground_floor_imports_above_it,
        imports,
        f"{GROUND_FLOOR} is below the apps: it imports Django, the standard library and itself.",
    )


def test_selectors_import_no_service(imports):
    _assert_none(
        selector_imports_a_service,
        imports,
        "A read helper a selector needs lives in the selectors (or in a module both import).",
    )


def test_known_violations_are_still_there(imports):
    """An xfail while KNOWN_VIOLATIONS holds anything; red once an entry is fixed."""
    fixed = [
        f"{path} no longer breaks {name} with {module}: remove its entry from KNOWN_VIOLATIONS"
        for (name, path, module) in KNOWN_VIOLATIONS
        if not [
            violation
            for violation in RULES[name](imports)
            if violation.module.path == path and _within(violation.target, module)
        ]
    ]

    assert not fixed, "\n".join(fixed)
    if KNOWN_VIOLATIONS:
        pytest.xfail("; ".join(KNOWN_VIOLATIONS.values()))


# --- the checker itself: each rule catches a synthetic violation -------------------


def _synthetic(path: str, source: str) -> list[Import]:
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return imports_of(Module(".".join(parts), path, source))


@pytest.mark.parametrize(
    ("rule", "path", "source", "target"),
    [
        (roles_imports_an_app_above, "roles/views.py", "import standardwork.models\n",
         "standardwork.models"),
        (roles_imports_an_app_above, "roles/policy.py",
         "def f():\n    from valuestream.models import Program\n",
         "valuestream.models.Program"),
        (roles_imports_an_app_above, "roles/selectors.py",
         "if TYPE_CHECKING:\n    from standardwork import models\n", "standardwork.models"),
        (standardwork_imports_valuestream, "standardwork/services/cycles.py",
         "from valuestream import services\n", "valuestream.services"),
        (standardwork_imports_valuestream, "standardwork/views/__init__.py",
         "import valuestream\n", "valuestream"),
        (app_imports_the_wiring, "standardwork/tasks.py", "from leanops.celery import app\n",
         "leanops.celery.app"),
        (app_imports_the_wiring, "roles/views.py", "from leanops import celery_app\n",
         "leanops.celery_app"),
        (app_imports_the_wiring, "valuestream/models.py", "import leanops.models\n",
         "leanops.models"),
        (app_imports_the_wiring, "roles/forms.py", "from leanops.tasks import heartbeat\n",
         "leanops.tasks.heartbeat"),
        (app_imports_the_wiring, "standardwork/views/cycles.py",
         "def page():\n    from leanops import settings\n", "leanops.settings"),
        (ground_floor_imports_above_it, "leanops/base/forms.py", "from roles.models import User\n",
         "roles.models.User"),
        (ground_floor_imports_above_it, "leanops/base/__init__.py", "from .. import urls\n",
         "leanops.urls"),
        (ground_floor_imports_above_it, "leanops/base/forms.py",
         "def f():\n    import standardwork.services\n", "standardwork.services"),
        (selector_imports_a_service, "standardwork/selectors/standups.py",
         "from standardwork.services.standups import person_today\n",
         "standardwork.services.standups.person_today"),
        (selector_imports_a_service, "standardwork/selectors/standups.py",
         "from ..services import cycles\n", "standardwork.services.cycles"),
        (selector_imports_a_service, "standardwork/selectors/__init__.py",
         "from ..services import cycles\n", "standardwork.services.cycles"),
        (selector_imports_a_service, "roles/selectors.py", "from . import services\n",
         "roles.services"),
        (selector_imports_a_service, "roles/selectors.py",
         "def people():\n    import roles.services as s\n", "roles.services"),
    ],
)  # fmt: skip
def test_the_checker_catches_each_violation(rule, path, source, target):
    found = _synthetic(path, source)

    assert target in [i.target for i in found]
    violations = rule(found)
    assert [i.target for i in violations] == [target]
    assert str(violations[0]).startswith(f"{path}:")


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("roles/views.py", "from leanops.base.forms import form_apply_service\n"),
        ("standardwork/tasks.py", "from celery import shared_task\n"),
        ("standardwork/services/cycles.py", "from roles import policy\nfrom . import standups\n"),
        ("standardwork/selectors/cycles.py", "from standardwork.models import Cycle\n"),
        ("standardwork/selectors/cycles.py", "from . import standups\n"),
        ("valuestream/views.py", "import standardwork.services\nfrom roles.models import Team\n"),
        ("leanops/urls.py", "from django.urls import include\nimport roles.views\n"),
        ("leanops/base/forms.py", "from django import forms\nfrom leanops.base import x\n"),
    ],
)
def test_the_checker_allows_what_the_architecture_allows(path, source):
    found = _synthetic(path, source)

    assert found
    assert [str(v) for rule in RULES.values() for v in rule(found)] == []
