"""`ssm-tui instances` and `ssm-tui roles`: the inventory without the UI.

A table for people, `--json` for scripts. Setup problems print one line on stderr and exit 1.
boto3 is imported inside `run` so building the CLI parser stays cheap.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ssm_tui.config import AppConfig
from ssm_tui.policy.readiness import SESSION_MANAGER_CORE_ACTIONS

if TYPE_CHECKING:  # pragma: no cover
    from ssm_tui.aws.models import Instance, Role


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--json", action="store_true", help=f"print the {name} as JSON (for scripts)"
    )


@contextmanager
def aws_config(config: AppConfig) -> Iterator[AppConfig]:
    """`config` itself, or (with --demo) pointed at a seeded emulator that stops afterwards."""
    if not config.demo:
        yield config
        return
    from ssm_tui.aws.demo.backend import DemoBackend

    with DemoBackend(config.demo_size) as demo:
        if sys.stderr.isatty():
            print(
                f"demo: seeded {config.demo_size} instances in {demo.seed_seconds:.1f} s",
                file=sys.stderr,
            )
        yield demo.config_for(config)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def instance_to_json(instance: Instance) -> dict[str, Any]:
    association = instance.association
    return {
        "instance_id": instance.instance_id,
        "name": instance.name,
        "state": instance.state,
        "instance_type": instance.instance_type,
        "platform": instance.platform,
        "private_ip": instance.private_ip,
        "vpc_id": instance.vpc_id,
        "subnet_id": instance.subnet_id,
        "launch_time": _iso(instance.launch_time),
        "tags": instance.tags,
        "instance_profile": None
        if association is None
        else {
            "name": association.profile_name,
            "arn": association.profile_arn,
            "association_id": association.association_id,
            "association_state": association.state,
        },
        "ssm": {
            "ping_status": instance.ssm.ping_status,
            "agent_version": instance.ssm.agent_version,
            "last_ping": _iso(instance.ssm.last_ping),
        },
    }


def role_to_json(role: Role) -> dict[str, Any]:
    return {
        "name": role.name,
        "arn": role.arn,
        "path": role.path,
        "trusted_services": list(role.trusted_services),
        "ec2_trusted": role.ec2_trusted,
        "instance_profiles": list(role.instance_profiles),
        "policies": [{"name": p.name, "arn": p.arn, "kind": p.kind} for p in role.policies],
        "session_manager_ready": role.session_manager_ready,
        "missing_actions": None if role.missing_actions is None else list(role.missing_actions),
        "create_date": _iso(role.create_date),
    }


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns sized to their widest cell, two spaces apart."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines)


def instances_table(instances: Sequence[Instance]) -> str:
    rows = [
        (
            i.instance_id,
            i.name or "-",
            i.state,
            i.instance_type,
            i.private_ip or "-",
            i.vpc_id or "-",
            i.profile_name or "-",
            i.ssm.ping_status,
        )
        for i in instances
    ]
    headers = ("INSTANCE", "NAME", "STATE", "TYPE", "PRIVATE IP", "VPC", "PROFILE", "SSM")
    return format_table(headers, rows)


def _readiness(role: Role) -> str:
    if role.missing_actions is None:
        return "unknown (policies unreadable)"
    if not role.missing_actions:
        return "ready"
    if len(role.missing_actions) == len(SESSION_MANAGER_CORE_ACTIONS):
        return f"missing all {len(SESSION_MANAGER_CORE_ACTIONS)} core actions"
    return f"missing {len(role.missing_actions)}: " + ", ".join(role.missing_actions)


def roles_table(roles: Sequence[Role]) -> str:
    rows = [
        (
            r.name,
            ",".join(s.removesuffix(".amazonaws.com") for s in r.trusted_services) or "-",
            ",".join(r.instance_profiles) or "-",
            str(len(r.policies)),
            _readiness(r),
        )
        for r in roles
    ]
    return format_table(
        ("ROLE", "TRUSTS", "INSTANCE PROFILES", "POLICIES", "SESSION MANAGER"), rows
    )


def _fail(message: str) -> int:
    print(f"ssm-tui: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace, config: AppConfig) -> int:
    from ssm_tui.aws import inventory
    from ssm_tui.aws.session import AwsContext, AwsSetupError

    try:
        with aws_config(config) as effective:
            ctx = AwsContext.from_config(effective)
            identity = ctx.identity()
            if args.command == "instances":
                listing = inventory.list_instances(ctx)
            else:
                listing = inventory.list_roles(ctx)
    except AwsSetupError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130
    if not listing.ok:
        return _fail(str(listing.error))

    if args.json:
        key, to_json = (
            ("instances", instance_to_json)
            if args.command == "instances"
            else ("roles", role_to_json)
        )
        document = {
            "account_id": identity.account_id,
            "region": ctx.region,
            key: [to_json(i) for i in listing.items],
        }
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0

    if args.command == "instances":
        print(instances_table(listing.items))
        running = sum(1 for i in listing.items if i.state == "running")
        online = sum(1 for i in listing.items if i.ssm.ping_status == "Online")
        print(
            f"\n{len(listing.items)} instances, {running} running, {online} online in Session Manager "
            f"(account {identity.account_id}, {ctx.region})"
        )
    else:
        print(roles_table(listing.items))
        ready = sum(1 for r in listing.items if r.session_manager_ready)
        print(
            f"\n{len(listing.items)} roles, {ready} ready for Session Manager (account {identity.account_id})"
        )
    return 0
