"""A seeded moto server for the benchmark: the same emulator and seeding the demo uses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from ssm_tui.aws.demo.server import DUMMY_CREDENTIALS, EmulatorServer

BENCH_ENV = {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


def use_dummy_credentials() -> None:
    """The benchmark only ever talks to its own emulator: never pick up real credentials."""
    os.environ.update(BENCH_ENV)
    os.environ.pop("AWS_PROFILE", None)


@contextmanager
def seeded_emulator(instance_count: int) -> Iterator[str]:
    """Start moto on 127.0.0.1, seed `instance_count` instances, yield the endpoint, stop."""
    use_dummy_credentials()
    from ssm_tui.aws.demo.seed import seed_fleet
    from ssm_tui.aws.session import AwsContext
    from ssm_tui.config import AppConfig

    with EmulatorServer() as server:
        context = AwsContext.from_config(AppConfig(endpoint_url=server.endpoint_url, region="us-east-1"))
        seed_fleet(context, size=instance_count, in_process=True)  # the server runs in this process
        yield server.endpoint_url
