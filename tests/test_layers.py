"""Layers point one way: the policy engine and the planner import no UI and no AWS SDK.

Two checks: import-linter's contracts from pyproject.toml (the whole import graph, including
indirect imports), and a fast AST scan of ssm_tui/policy and ssm_tui/planning that names the
offending file and line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE_PACKAGES = [ROOT / "ssm_tui" / "policy", ROOT / "ssm_tui" / "planning"]
FORBIDDEN = {"textual", "boto3", "botocore"}


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """`file:line module` for each import of a forbidden top-level package, including
    `importlib.import_module("boto3")` / `__import__("boto3")` with a literal name."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        found += [
            f"{filename}:{node.lineno} {name}" for name in names if name.split(".")[0] in FORBIDDEN
        ]
    return found


def test_policy_and_planning_sources_import_no_textual_boto3_or_botocore():
    files = [path for package in PURE_PACKAGES for path in sorted(package.rglob("*.py"))]
    assert files, "no sources found: wrong ROOT?"
    violations = [
        v
        for path in files
        for v in forbidden_imports(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert violations == []


@pytest.mark.parametrize(
    "source",
    [
        "import boto3",
        "import botocore.session",
        "from textual.app import App",
        "from boto3 import client",
        "def f():\n    import textual.widgets",
        "import importlib\nimportlib.import_module('botocore')",
        "__import__('boto3')",
    ],
)
def test_the_scan_catches_every_import_form(source):
    assert forbidden_imports(source)


def test_the_scan_ignores_allowed_imports():
    assert (
        forbidden_imports("import json\nfrom ssm_tui.policy import options\nimport boto3x\n") == []
    )


def test_import_linter_contracts_are_kept(tmp_path, monkeypatch):
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    assert (
        lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
    )


def test_policy_command_cold_start_loads_no_sdk_ui_or_linter():
    code = (
        "import sys; from ssm_tui.cli import main; main(['policy', '--cloudwatch']); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'textual', 'parliament', 'moto'}); "
        "print(heavy, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )
    assert result.returncode == 0
    assert result.stderr.strip() == "[]"
