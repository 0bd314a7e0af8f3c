"""P1: inventory load to a populated Instances table, vs the bare boto3 paginators and the AWS CLI.

All three read the same emulator. The floor pages through exactly the calls the Instances table
needs (instances, profile associations, SSM agent status), sequentially, with no processing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time

from bench.emulator import BENCH_ENV
from bench.stats import median


def _floor_once(endpoint_url: str) -> float:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    session = boto3.Session(region_name="us-east-1")
    ec2 = session.client("ec2", endpoint_url=endpoint_url, config=config)
    ssm = session.client("ssm", endpoint_url=endpoint_url, config=config)
    started = time.perf_counter()
    for _ in ec2.get_paginator("describe_instances").paginate():
        pass
    for _ in ec2.get_paginator("describe_iam_instance_profile_associations").paginate():
        pass
    for _ in ssm.get_paginator("describe_instance_information").paginate():
        pass
    return time.perf_counter() - started


def _cli_once(endpoint_url: str) -> float:
    aws = shutil.which("aws")
    if aws is None:
        raise RuntimeError("the AWS CLI is not installed: pip install -e '.[bench]'")
    started = time.perf_counter()
    subprocess.run(
        [aws, "ec2", "describe-instances", "--endpoint-url", endpoint_url, "--region", "us-east-1",
         "--output", "json"],
        check=True, capture_output=True, env={**os.environ, **BENCH_ENV},
    )
    return time.perf_counter() - started


async def _app_once(endpoint_url: str) -> float:
    """Start the real app headless; read the inventory load time the app itself recorded."""
    from ssm_tui.config import AppConfig
    from ssm_tui.ui.app import make_app

    app = make_app(AppConfig(endpoint_url=endpoint_url, region="us-east-1"))
    async with app.run_test(headless=True, size=(160, 50)):
        while app.metrics.instances_populated_at is None:
            await asyncio.sleep(0.05)  # not pilot.pause(): its idle wait would load the app's loop
        return app.metrics.instances_populated_at - app.metrics.inventory_load_started_at


def run(endpoint_url: str, *, repeats: int) -> dict[str, float]:
    _floor_once(endpoint_url)  # warm the emulator's backends once for everyone
    floor, app, cli = [], [], []
    for _ in range(repeats):  # interleaved, so all three see the same machine load
        floor.append(_floor_once(endpoint_url))
        app.append(asyncio.run(_app_once(endpoint_url)))
        cli.append(_cli_once(endpoint_url))
    return {
        "p1_floor_s": round(median(floor), 3),
        "p1_app_s": round(median(app), 3),
        "p1_cli_s": round(median(cli), 3),
        "p1_app_vs_floor": round(median(app) / median(floor), 3),
        "p1_app_vs_cli": round(median(app) / median(cli), 3),
    }
