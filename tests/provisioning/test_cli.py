"""`ssm-tui apply / runs / rollback` as a script would use them: exit codes, JSON, no surprises."""

from __future__ import annotations

import json

from ssm_tui.aws.read_only import is_mutating
from ssm_tui.cli import main

from .conftest import launch, profile_of
from .test_read_only import record_every_request

ROLE = "SessionManagerInstanceRole"


def _url(emulator) -> list[str]:
    return ["--endpoint-url", emulator.endpoint_url]


def test_bad_input_exits_2_names_the_flag_and_changes_nothing(
    emulator, ctx, xdg_state, capsys, monkeypatch
):
    sent = record_every_request(monkeypatch)
    code = main(
        [
            "apply",
            *_url(emulator),
            "--s3-bucket",
            "Bad..Bucket",
            "--role-name",
            "no spaces allowed",
            "--yes",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--s3-bucket" in err and "--role-name" in err
    assert sent == []  # not even a read: validation comes first


def test_without_yes_and_without_a_terminal_it_prints_the_plan_and_exits_3(
    emulator, ctx, xdg_state, capsys
):
    ids = launch(ctx, 1)
    assert main(["apply", *_url(emulator), "--instances", *ids]) == 3
    captured = capsys.readouterr()
    assert "create         role " + ROLE in captured.out
    assert "re-run with --yes" in captured.err
    assert ctx.client("iam").list_roles()["Roles"] == []


def test_dry_run_prints_the_plan_as_json_and_makes_no_mutating_call(
    emulator, ctx, xdg_state, capsys, monkeypatch
):
    ids = launch(ctx, 2)
    sent = record_every_request(monkeypatch)
    assert main(["apply", *_url(emulator), "--instances", *ids, "--dry-run", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["dry_run"] is True
    assert [s["action"] for s in document["instances"]] == ["associate", "associate"]
    assert sent and not [op for op in sent if is_mutating(op)]


def test_yes_json_prints_the_result_document_and_exit_0_only_when_all_succeeded(
    emulator, ctx, xdg_state, capsys
):
    ids = launch(ctx, 2)
    gone = launch(ctx, 1, state="terminated")
    assert main(["apply", *_url(emulator), "--instances", *ids, "--yes", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True and document["instance_counts"] == {"ok": 2}
    assert [profile_of(ctx, i) for i in ids] == [ROLE, ROLE]

    assert main(["apply", *_url(emulator), "--instances", *ids, *gone, "--yes", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    assert document["instance_counts"] == {"ok": 2, "failed": 1}
    failed = [i for i in document["instances"] if i["outcome"] == "failed"]
    assert failed[0]["instance_id"] == gone[0] and "terminated" in failed[0]["detail"]


def test_refused_plan_exits_4_with_the_reason(emulator, ctx, xdg_state, capsys):
    iam = ctx.client("iam")
    iam.create_role(RoleName="Other", AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName=ROLE)
    iam.add_role_to_instance_profile(InstanceProfileName=ROLE, RoleName="Other")
    assert main(["apply", *_url(emulator), "--yes", "--json"]) == 4
    captured = capsys.readouterr()
    assert "holds role Other" in captured.err
    document = json.loads(captured.out)
    assert document["refused"] is True and document["ok"] is False
    assert [s["action"] for s in document["steps"] if s["resource"] == "instance-profile"] == [
        "refuse"
    ]
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_rollback_of_an_unknown_run_exits_2(emulator, xdg_state, capsys):
    assert main(["rollback", *_url(emulator), "20260101T000000Z-abcdef", "--yes"]) == 2
    assert "no journal for run" in capsys.readouterr().err


def test_runs_lists_runs_newest_first(emulator, ctx, xdg_state, capsys):
    assert main(["runs"]) == 0
    assert "No runs" in capsys.readouterr().out
    main(["apply", *_url(emulator), "--yes"])
    main(["apply", *_url(emulator), "--yes", "--cloudwatch"])
    capsys.readouterr()
    assert main(["runs", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert len(runs) == 2 and runs[0]["run_id"] > runs[1]["run_id"]
    assert {r["status"] for r in runs} == {"succeeded"}


def test_existing_role_keeps_its_instance_profile(emulator, ctx, xdg_state, capsys):
    iam = ctx.client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    iam.create_role(RoleName="WebRole", AssumeRolePolicyDocument=trust)
    iam.create_instance_profile(InstanceProfileName="web-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="web-profile", RoleName="WebRole")
    ids = launch(ctx, 1)
    assert (
        main(
            [
                "apply",
                *_url(emulator),
                "--role-name",
                "WebRole",
                "--existing-role",
                "--instances",
                *ids,
                "--yes",
            ]
        )
        == 0
    )
    assert profile_of(ctx, ids[0]) == "web-profile"
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == [
        "web-profile"
    ]
