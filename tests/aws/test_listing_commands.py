"""`ssm-tui instances` / `ssm-tui roles`: JSON for scripts, a table for people, one-line errors."""

from __future__ import annotations

import json
import socket

import pytest

from ssm_tui.aws.demo.seed import seed_fleet
from ssm_tui.cli import main

INSTANCE_KEYS = {
    "instance_id",
    "name",
    "state",
    "instance_type",
    "platform",
    "private_ip",
    "vpc_id",
    "subnet_id",
    "launch_time",
    "tags",
    "instance_profile",
    "ssm",
}


@pytest.fixture
def seeded(ctx, emulator):
    return seed_fleet(ctx, 12, in_process=True)


def test_instances_json(seeded, emulator, capsys):
    assert main(["instances", "--json", "--endpoint-url", emulator.endpoint_url]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["account_id"], document["region"]) == ("123456789012", "us-east-1")
    instances = document["instances"]
    assert sorted(i["name"] for i in instances) == sorted(p.name for p in seeded)
    assert all(set(i) == INSTANCE_KEYS for i in instances)
    with_profile = [i for i in instances if i["instance_profile"]]
    assert with_profile and set(with_profile[0]["instance_profile"]) == {
        "name",
        "arn",
        "association_id",
        "association_state",
    }
    statuses = {i["ssm"]["ping_status"] for i in instances}
    assert statuses <= {"Online", "not managed"} and "Online" in statuses
    online = next(i for i in instances if i["ssm"]["ping_status"] == "Online")
    assert (
        online["instance_profile"]["name"] == "ssm-managed-ec2" and online["ssm"]["agent_version"]
    )


def test_roles_json(seeded, emulator, capsys):
    assert main(["roles", "--json", "--endpoint-url", emulator.endpoint_url]) == 0
    roles = {r["name"]: r for r in json.loads(capsys.readouterr().out)["roles"]}
    ready = roles["ssm-managed-ec2"]
    assert ready["session_manager_ready"] is True and ready["missing_actions"] == []
    assert ready["ec2_trusted"] is True and ready["instance_profiles"] == ["ssm-managed-ec2"]
    assert {p["kind"] for p in ready["policies"]} == {"managed"}
    assert roles["lambda-thumbnailer"]["ec2_trusted"] is False
    assert roles["legacy-ops-ec2"]["missing_actions"] == [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ]


def test_tables_for_people(seeded, emulator, capsys):
    assert main(["instances", "--endpoint-url", emulator.endpoint_url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "INSTANCE",
        "NAME",
        "STATE",
        "TYPE",
        "PRIVATE",
        "IP",
        "VPC",
        "PROFILE",
        "SSM",
    ]
    assert all(p.name in out for p in seeded)
    assert "12 instances" in out
    assert main(["roles", "--endpoint-url", emulator.endpoint_url]) == 0
    out = capsys.readouterr().out
    assert "legacy-ops-ec2" in out and "missing 4: ssmmessages:CreateControlChannel" in out
    assert "missing all 5 core actions" in out and "ready" in out


def test_demo_flag_lists_a_seeded_fleet_and_stops_the_emulator(emulator, capsys):
    try:
        assert main(["instances", "--demo", "--demo-size", "6", "--json"]) == 0
    finally:
        emulator.reset()  # the demo's server shares this process's moto state
    instances = json.loads(capsys.readouterr().out)["instances"]
    assert len(instances) == 6


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["instances", "--profile", "no-such-profile"], "AWS profile 'no-such-profile' not found"),
        (
            ["roles", "--endpoint-url", f"http://127.0.0.1:{_closed_port()}"],
            "cannot reach the AWS endpoint",
        ),
    ],
)
def test_setup_errors_are_one_line_on_stderr(argv, message, capsys):
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("ssm-tui: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
