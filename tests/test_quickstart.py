"""The README's quick start is exactly two one-line commands, CI runs its test line verbatim,
and both name extras that pyproject.toml defines."""

from __future__ import annotations

import os
import re
import shlex
import tomllib
from pathlib import Path

import pytest

from ssm_tui import __version__
from ssm_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"^## Quick start\n(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    assert section, "README has no '## Quick start' section"
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", section[1], re.MULTILINE | re.DOTALL)
    return [block.strip("\n") for block in blocks]


def ci_command() -> str:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")][-1]


def test_quick_start_is_exactly_two_one_line_commands():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in command and command for command in commands)
    run_app, run_tests = commands
    assert "ssm-tui --demo" in run_app
    assert run_tests.endswith("python -m pytest")


def test_ci_runs_the_readme_test_line_verbatim():
    assert ci_command() == quick_start_commands()[1]
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_quick_start_extras_exist_in_pyproject():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    named = [
        re.fullmatch(r"\.\[([\w,-]+)\]", word)
        for c in quick_start_commands()
        for word in shlex.split(c)
    ]
    named = [set(m[1].split(",")) for m in named if m]
    assert named == [{"demo"}, {"test"}]
    assert set().union(*named) <= set(extras)


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out.strip() == f"ssm-tui {__version__}"
