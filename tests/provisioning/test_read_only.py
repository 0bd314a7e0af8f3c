"""--read-only: every listing, a plan and a rollback preview, and not one mutating call on the wire."""

from __future__ import annotations

import asyncio

from ssm_tui.aws.read_only import ReadOnlyViolation, is_mutating
from ssm_tui.aws.session import AwsContext
from ssm_tui.cli import main
from ssm_tui.config import AppConfig

from .conftest import apply, desired_state, launch, profile_of


def record_every_request(monkeypatch) -> list[str]:
    """Every operation any client of any AwsContext sends over HTTP (before-send: after the guard)."""
    sent: list[str] = []
    seen: set[int] = set()
    original = AwsContext.client

    def client(self, service_name, **kwargs):
        made = original(self, service_name, **kwargs)
        if id(made) not in seen:
            seen.add(id(made))
            made.meta.events.register(
                "before-send", lambda event_name, **_: sent.append(event_name.rsplit(".", 1)[-1])
            )
        return made

    monkeypatch.setattr(AwsContext, "client", client)
    return sent


async def _tui_lists_everything_and_tries_to_apply(config: AppConfig) -> list[str]:
    from ssm_tui.ui.app import make_app

    app = make_app(config, cursor_blink=False)
    async with app.run_test(size=(150, 45)) as pilot:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        kinds = {"instances", "roles", "kms_keys", "buckets", "log_groups"}
        while not kinds <= app.loaded_kinds:
            assert loop.time() < deadline, app.loaded_kinds
            await pilot.pause(0.05)
        app.instances_view.table.focus()
        await pilot.press("space", "a")
        await pilot.pause(0.2)
        return [n.message for n in app._notifications]


def test_read_only_run_with_every_listing_makes_zero_mutating_calls(
    emulator, ctx, xdg_state, monkeypatch, capsys
):
    ids = launch(ctx, 2)
    _, earlier = apply(
        ctx, desired_state(ids[:1], policy_name="Old", role_name="OldRole")
    )  # a run to preview
    sent = record_every_request(monkeypatch)
    url = ["--endpoint-url", emulator.endpoint_url, "--read-only"]

    assert main(["instances", "--json", *url]) == 0
    assert main(["roles", "--json", *url]) == 0
    assert main(["apply", *url, "--instances", *ids, "--replace", "--cloudwatch", "--yes"]) == 0
    assert main(["runs", *url]) == 0
    assert main(["rollback", *url, earlier.run_id, "--yes"]) == 0
    notes = asyncio.run(
        _tui_lists_everything_and_tries_to_apply(
            AppConfig(endpoint_url=emulator.endpoint_url, region="us-east-1", read_only=True)
        )
    )

    assert any("Read-only" in n for n in notes)
    assert {
        "DescribeInstances",
        "GetRole",
        "GetPolicy",
        "DescribeIamInstanceProfileAssociations",
        "ListKeys",
    } <= set(sent)
    assert [op for op in sent if is_mutating(op)] == []
    out = capsys.readouterr().out
    assert "--read-only: nothing changed." in out
    # nothing changed: the earlier run is intact and nothing new exists
    assert profile_of(ctx, ids[0]) == "OldRole" and profile_of(ctx, ids[1]) is None
    assert [r["RoleName"] for r in ctx.client("iam").list_roles()["Roles"]] == ["OldRole"]


def test_the_engine_itself_cannot_mutate_under_read_only(emulator, xdg_state):
    """Belt and braces: even if a caller skipped the read-only check, the guard stops the first call."""
    read_only = AwsContext.from_config(
        AppConfig(endpoint_url=emulator.endpoint_url, region="us-east-1", read_only=True)
    )
    writer = AwsContext.from_config(
        AppConfig(endpoint_url=emulator.endpoint_url, region="us-east-1")
    )
    ids = launch(writer, 1)
    from ssm_tui.aws.apply_run import ApplyRunner

    from .conftest import plan_for

    plan = plan_for(read_only, desired_state(ids))
    result = ApplyRunner(read_only, plan).run()
    assert not result.ok
    assert "read-only" in (result.error or "")
    assert writer.client("iam").list_policies(Scope="Local")["Policies"] == []
    assert isinstance(ReadOnlyViolation("iam", "CreatePolicy"), Exception)
