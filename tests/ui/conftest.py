"""UI fixtures: a small deterministic demo fleet on the session's moto server."""

from __future__ import annotations

import pytest

from ssm_tui.config import AppConfig

FLEET_SIZE = 12


@pytest.fixture(scope="module")
def seeded_endpoint(moto_server) -> str:
    """The moto server emptied and seeded with the demo account (12 instances) once per module.

    Module scope keeps the suite fast; tests that use it must not change AWS state.
    """
    from ssm_tui.aws.demo.seed import seed_fleet
    from ssm_tui.aws.session import AwsContext

    moto_server.reset()
    ctx = AwsContext.from_config(AppConfig(endpoint_url=moto_server.endpoint_url, region="us-east-1"))
    seed_fleet(ctx, size=FLEET_SIZE)
    return moto_server.endpoint_url


@pytest.fixture
def moto_config(seeded_endpoint) -> AppConfig:
    return AppConfig(endpoint_url=seeded_endpoint, region="us-east-1")
