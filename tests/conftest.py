"""Test isolation: dummy AWS credentials, temporary XDG dirs, one moto server per session.

Tests never read the developer's ~/.aws: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point
at empty temp files, and HOME is moved too.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_ISOLATION_ROOT = Path(tempfile.mkdtemp(prefix="ssm-tui-tests-"))


def _isolate_environment() -> None:
    """Runs at import time so even session fixtures and collection see the isolated env."""
    home = _ISOLATION_ROOT / "home"
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    for name in ("config", "credentials"):
        (home / ".aws" / name).write_text("")
    for var in list(os.environ):
        if var.startswith(("AWS_", "XDG_")):
            del os.environ[var]
    os.environ.update(
        {
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "XDG_STATE_HOME": str(_ISOLATION_ROOT / "state"),
            "XDG_CONFIG_HOME": str(_ISOLATION_ROOT / "config"),
            "XDG_DATA_HOME": str(_ISOLATION_ROOT / "data"),
            "XDG_CACHE_HOME": str(_ISOLATION_ROOT / "cache"),
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "false",
        }
    )


_isolate_environment()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[EmulatorServer]:  # noqa: F821
    """One real moto HTTP server on 127.0.0.1 for the whole session; stopped at the end."""
    from ssm_tui.aws.demo.server import EmulatorServer

    server = EmulatorServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emulator(moto_server) -> Iterator[EmulatorServer]:  # noqa: F821
    """The session's moto server, emptied before each test that asks for it."""
    moto_server.reset()
    yield moto_server


@pytest.fixture
def xdg_state(tmp_path, monkeypatch) -> Path:
    """A fresh XDG state dir for tests that write journals."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state
