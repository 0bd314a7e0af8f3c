"""A run killed with kill -9 mid-way: re-running converges and rollback leaves nothing behind.

The apply runs in a real subprocess (`python -m ssm_tui apply`) against the test's moto server
(--endpoint-url, dummy credentials from the environment), slowed by a tiny token bucket so it is
certainly mid-fan-out when killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ssm_tui.aws.journal import read_run
from ssm_tui.cli import main

from .conftest import launch, profile_of


def _attached_in_journal(path: Path) -> int:
    if not path.exists():
        return 0
    count = 0
    for line in path.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        count += (
            record.get("kind") == "done" and record.get("call") == "ec2.AssociateIamInstanceProfile"
        )
    return count


def test_kill_9_mid_apply_then_rerun_converges_and_rollback_leaves_nothing(
    emulator, ctx, xdg_state, capsys
):
    ids = launch(ctx, 5)
    url = emulator.endpoint_url
    runs_dir = xdg_state / "ssm-tui" / "runs"
    env = {**os.environ, "XDG_STATE_HOME": str(xdg_state)}
    # burst 1, refill 0.05/s: one association at once, the next one 20 s later
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ssm_tui",
            "apply",
            "--endpoint-url",
            url,
            "--instances",
            *ids,
            "--yes",
            "--rate-scale",
            "0.01",
            "--concurrency",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            journals = list(runs_dir.glob("*.jsonl")) if runs_dir.exists() else []
            if journals and _attached_in_journal(journals[0]) >= 1:
                break
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.1)
        else:
            raise AssertionError("the apply never got to its first association")
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    killed_run = journals[0].stem
    assert read_run(killed_run, runs_dir).status == "incomplete"
    assert sum(profile_of(ctx, i) == "SessionManagerInstanceRole" for i in ids) == 1

    # re-running the same apply converges
    assert main(["apply", "--endpoint-url", url, "--instances", *ids, "--yes"]) == 0
    assert [profile_of(ctx, i) for i in ids] == ["SessionManagerInstanceRole"] * 5
    capsys.readouterr()
    assert main(["apply", "--endpoint-url", url, "--instances", *ids, "--dry-run", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert {s["action"] for s in plan["steps"]} == {"no-op"}
    assert {s["action"] for s in plan["instances"]} == {"no-op"}

    assert main(["runs", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert {r["run_id"]: r["status"] for r in runs}[killed_run] == "incomplete"
    resumed_run = next(r["run_id"] for r in runs if r["run_id"] != killed_run)

    # rollback, newest run first, leaves nothing behind
    assert main(["rollback", "--endpoint-url", url, resumed_run, "--yes"]) == 0
    assert main(["rollback", "--endpoint-url", url, killed_run, "--yes"]) == 0
    iam = ctx.client("iam")
    assert iam.list_roles()["Roles"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert [profile_of(ctx, i) for i in ids] == [None] * 5
    capsys.readouterr()
    assert main(["runs", "--json"]) == 0
    assert {r["status"] for r in json.loads(capsys.readouterr().out)} == {"rolled back"}
