"""Fixtures for the AWS layer: a context pointed at the session's moto server, small fleets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ssm_tui.aws.demo import ssm_instance_information
from ssm_tui.aws.session import AwsContext
from ssm_tui.config import AppConfig


@pytest.fixture
def ctx(emulator) -> AwsContext:
    """A fresh context (fresh clients: no hooks leak between tests) on an emptied emulator."""
    return AwsContext.from_config(AppConfig(endpoint_url=emulator.endpoint_url, region="us-east-1"))


@pytest.fixture(autouse=True)
def _no_agent_delay() -> Iterator[None]:
    ssm_instance_information.set_agent_delay(0)
    yield
    ssm_instance_information.set_agent_delay(None)
