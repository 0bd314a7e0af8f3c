"""`ssm-tui apply`, `ssm-tui runs`, `ssm-tui rollback RUN_ID`: provisioning without the TUI.

`apply` prints the plan first and changes nothing until confirmed (`--yes`, or "y" at a
terminal prompt; without a terminal and without `--yes` it exits 3). Exit codes: 0 every step
and instance succeeded, 1 something failed, 2 bad input, 3 not confirmed, 4 plan refused
(a same-named resource differs). boto3 is imported inside `run`, never at import time.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from typing import Any

from ssm_tui.config import AppConfig

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_CONFIRMED = 3
EXIT_REFUSED = 4


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text}")
    return value


def _concurrency(text: str) -> int:
    from ssm_tui.aws.session import ATTACH_CONCURRENCY_MAX

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= ATTACH_CONCURRENCY_MAX:
        raise argparse.ArgumentTypeError(f"expected 1..{ATTACH_CONCURRENCY_MAX}, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    if name == "apply":
        from ssm_tui.commands.policy_command import add_policy_option_flags

        add_policy_option_flags(parser)
        group = parser.add_argument_group("what to create and attach")
        group.add_argument(
            "--policy-name",
            default="SessionManagerPermissions",
            metavar="NAME",
            help="managed policy name (default SessionManagerPermissions)",
        )
        group.add_argument(
            "--role-name",
            default="SessionManagerInstanceRole",
            metavar="NAME",
            help="role name (default SessionManagerInstanceRole)",
        )
        group.add_argument(
            "--instance-profile-name",
            metavar="NAME",
            help="instance profile name (default: the role name, as the console does)",
        )
        group.add_argument(
            "--existing-role",
            action="store_true",
            help="the role exists already: attach only the permissions it does not grant yet",
        )
        group.add_argument(
            "--instances", nargs="+", default=[], metavar="ID", help="instance ids to attach to"
        )
        group.add_argument(
            "--replace",
            action="store_true",
            help="replace another instance profile on these instances (default: skip them)",
        )
        run_group = parser.add_argument_group("how to run")
        run_group.add_argument(
            "--dry-run", action="store_true", help="print the plan; change nothing"
        )
        run_group.add_argument("--yes", "-y", action="store_true", help="apply without asking")
        run_group.add_argument(
            "--json", action="store_true", help="print the run's result document as JSON"
        )
        run_group.add_argument(
            "--concurrency",
            type=_concurrency,
            default=16,
            metavar="N",
            help="instances attached in parallel (default 16)",
        )
        run_group.add_argument(
            "--rate-scale",
            type=_positive_float,
            default=1.0,
            metavar="FACTOR",
            help="scale the client-side EC2 token buckets (default 1: burst 100, 5/s)",
        )
        run_group.add_argument(
            "--propagation-timeout",
            type=_positive_float,
            default=120.0,
            metavar="SECONDS",
            help="how long to retry 'Invalid IAM Instance Profile name' (default 120)",
        )
        run_group.add_argument(
            "--wait-online",
            type=_positive_float,
            default=None,
            metavar="SECONDS",
            help="afterwards, poll SSM until the instances are Online (up to SECONDS)",
        )
    elif name == "runs":
        parser.add_argument("--json", action="store_true", help="print the runs as JSON")
    elif name == "rollback":
        parser.add_argument("run_id", metavar="RUN_ID", help="the run to undo (see `ssm-tui runs`)")
        parser.add_argument("--yes", "-y", action="store_true", help="undo without asking")
        parser.add_argument(
            "--json", action="store_true", help="print the rollback's result as JSON"
        )


def _err(command: str, message: str) -> None:
    print(f"ssm-tui {command}: {message}", file=sys.stderr)


def _confirm(command: str, question: str, assume_yes: bool) -> bool:
    """--yes, or an interactive "y". Without a terminal we never guess: refuse."""
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        _err(
            command, "not confirmed: stdin is not a terminal; re-run with --yes to apply this plan"
        )
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        _err(command, "not confirmed: nothing changed")
        return False
    return True


def _connect(config: AppConfig, stack: ExitStack) -> Any:
    from ssm_tui.aws.session import AwsContext

    if config.demo:
        from ssm_tui.aws.demo.backend import DemoBackend

        demo = stack.enter_context(DemoBackend(config.demo_size))
        config = demo.config_for(config)
    return AwsContext.from_config(config)


def run(args: argparse.Namespace, config: AppConfig) -> int:
    from ssm_tui.aws.session import AwsSetupError

    handlers = {"apply": _apply, "runs": _runs, "rollback": _rollback}
    try:
        return handlers[args.command](args, config)
    except AwsSetupError as exc:
        _err(args.command, str(exc))
        return EXIT_FAILED


# -- apply ------------------------------------------------------------------------------------------
_NAME_FLAGS = {
    "policy_name": "--policy-name",
    "role_name": "--role-name",
    "instance_profile_name": "--instance-profile-name",
    "profile_name": "--instance-profile-name",
}


def _problem_line(problem: Any) -> str:
    """Name the flag the user typed, as `ssm-tui policy` does."""
    from ssm_tui.commands.policy_command import FLAG_FOR_FIELD

    flag = FLAG_FOR_FIELD.get(problem.field) or _NAME_FLAGS.get(problem.field, problem.field)
    return f"{flag}: {problem.message}"


def _desired_from_args(
    args: argparse.Namespace, config: AppConfig, partition_hint: str | None = None
):
    """Validate flags and names; return (desired state, problems as lines)."""
    from ssm_tui.commands.policy_command import options_from_args
    from ssm_tui.planning import DesiredState
    from ssm_tui.policy import (
        ResourceNames,
        build_policy,
        ec2_trust_policy,
        validate_names,
        validate_options,
    )
    from ssm_tui.policy.validation import InvalidOptionsError, errors_only

    options = options_from_args(args, config)
    names = ResourceNames(args.policy_name, args.role_name, args.instance_profile_name)
    problems = list(errors_only(validate_options(options))) + list(
        errors_only(validate_names(names))
    )
    lines = [_problem_line(p) for p in problems]
    bad_ids = [i for i in args.instances if not i.startswith("i-")]
    if bad_ids:
        lines.append(
            f"--instances: not instance ids (they look like i-0123456789abcdef0): {', '.join(bad_ids)}"
        )
    if lines:
        return None, lines
    try:
        document = build_policy(options)
    except InvalidOptionsError as exc:
        return None, [_problem_line(p) for p in exc.problems]
    desired = DesiredState(
        policy_name=names.policy_name,
        policy_document=document,
        role_name=names.role_name,
        profile_name=names.profile_name,
        trust_document=ec2_trust_policy(partition_hint or options.partition),
        instance_ids=tuple(args.instances),
        replace=args.replace,
        existing_role=args.existing_role,
    )
    return desired, []


def _settings_from_args(args: argparse.Namespace):
    from ssm_tui.aws.attacher import AttachSettings
    from ssm_tui.aws.token_bucket import EC2_ASSOCIATE_BUCKET, EC2_REPLACE_BUCKET

    return AttachSettings(
        concurrency=args.concurrency,
        associate_bucket=EC2_ASSOCIATE_BUCKET.scaled(args.rate_scale),
        replace_bucket=EC2_REPLACE_BUCKET.scaled(args.rate_scale),
        propagation_timeout=args.propagation_timeout,
    )


def _print_event(event: object) -> None:
    """Progress on stderr (stdout stays for the plan and the JSON document)."""
    from ssm_tui.planning.progress import LogLine, StepFinished

    if isinstance(event, StepFinished):
        print(
            f"  [{event.outcome}] {event.description.split(' — ')[0].strip()} {event.detail}".rstrip(),
            file=sys.stderr,
        )
    elif isinstance(event, LogLine) and event.level != "info":
        print(f"  {event.level}: {event.text}", file=sys.stderr)


def _apply(args: argparse.Namespace, config: AppConfig) -> int:
    from ssm_tui.planning import compute_plan, render_plan

    desired, problems = _desired_from_args(args, config)
    if problems:
        for line in problems:
            _err("apply", f"error: {line}")
        return EXIT_BAD_INPUT
    with ExitStack() as stack:
        ctx = _connect(config, stack)
        from ssm_tui.aws.current_state import read_current_state

        identity = ctx.identity()
        if identity.partition != "aws":  # the trust principal differs per partition
            desired, _ = _desired_from_args(args, config, identity.partition)
        if args.existing_role and not args.instance_profile_name:
            desired = _with_existing_profile(ctx, desired)
        plan = compute_plan(desired, read_current_state(ctx, desired))
        out = sys.stderr if args.json else sys.stdout
        print(f"Account {identity.account_id}, {ctx.describe()}", file=out)
        print(render_plan(plan), file=out)
        if plan.refused:
            for step in plan.refusals:
                _err("apply", f"refused: {step.resource} {step.name}: {step.reason}")
            if args.json:
                print(
                    json.dumps(
                        {**_dry_run_document(plan), "dry_run": False, "ok": False, "refused": True},
                        indent=2,
                    )
                )
            return EXIT_REFUSED
        if args.dry_run or config.read_only:
            why = "--dry-run" if args.dry_run else "--read-only"
            print(f"{why}: nothing changed.", file=out)
            if args.json:
                print(json.dumps(_dry_run_document(plan), indent=2))
            return EXIT_OK
        if plan.changes == 0:
            print("Nothing to change.", file=out)
        elif not _confirm("apply", "Apply this plan?", args.yes):
            return EXIT_NOT_CONFIRMED
        return _execute(ctx, plan, args)


def _with_existing_profile(ctx: Any, desired: Any) -> Any:
    """An existing role keeps its instance profile (if it has one) unless one was named."""
    from dataclasses import replace

    from botocore.exceptions import ClientError

    try:
        reply = ctx.client("iam").list_instance_profiles_for_role(RoleName=desired.role_name)
    except ClientError:
        return desired  # no such role: the plan says so
    profiles = [p["InstanceProfileName"] for p in reply["InstanceProfiles"]]
    return replace(desired, profile_name=profiles[0]) if profiles else desired


def _dry_run_document(plan) -> dict:
    return {
        "dry_run": True,
        "ok": True,
        "steps": [
            {"action": s.action.value, "resource": s.resource, "name": s.name, "reason": s.reason}
            for s in plan.steps
        ],
        "instances": [
            {"instance_id": s.instance_id, "action": s.action.value, "reason": s.reason}
            for s in plan.instance_steps
        ],
    }


def _execute(ctx: Any, plan: Any, args: argparse.Namespace) -> int:
    import signal
    import threading

    from ssm_tui.aws.apply_run import ApplyRunner

    cancelled = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(*_: object) -> None:  # first Ctrl-C: stop between calls; second: default
        cancelled.set()
        print("\nssm-tui apply: cancelling after the calls in flight…", file=sys.stderr)
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        runner = ApplyRunner(
            ctx, plan, settings=_settings_from_args(args), emit=_print_event, cancelled=cancelled
        )
        print(f"Run {runner.run_id} (journal {runner.journal.path})", file=sys.stderr)
        result = runner.run()
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.wait_online and not cancelled.is_set():
        _wait_online(
            ctx, [i.instance_id for i in result.instances if i.outcome == "ok"], args.wait_online
        )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(result.counts().items())) or "no instances"
        status = "succeeded" if result.ok else ("cancelled" if result.cancelled else "FAILED")
        print(f"Run {result.run_id} {status}: {counts}.")
        for item in result.instances:
            if item.outcome not in ("ok",):
                print(f"  {item.instance_id}: {item.outcome}: {item.detail}")
        if result.error:
            print(f"  error: {result.error}")
        print(f"Undo with: ssm-tui rollback {result.run_id}")
    return EXIT_OK if result.ok else EXIT_FAILED


def _wait_online(ctx: Any, instance_ids: list[str], timeout: float) -> None:
    import time

    from ssm_tui.aws.inventory import get_ssm_statuses

    deadline = time.monotonic() + timeout
    online: set[str] = set()
    while instance_ids and time.monotonic() < deadline:
        statuses = get_ssm_statuses(ctx, instance_ids)
        online = {i for i, s in statuses.items() if s.ping_status == "Online"}
        if len(online) == len(instance_ids):
            break
        time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
    print(f"SSM: {len(online)}/{len(instance_ids)} instance(s) Online.", file=sys.stderr)
    if len(online) < len(instance_ids):
        print(
            "  The agent may take up to ~30 min to register with the new role; rebooting the instance or "
            "restarting the SSM agent makes it pick the credentials up now.",
            file=sys.stderr,
        )


# -- runs and rollback -------------------------------------------------------------------------------
def _runs(args: argparse.Namespace, config: AppConfig) -> int:
    from ssm_tui.aws.journal import list_runs, runs_directory

    runs = list_runs()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "run_id": r.run_id,
                        "status": r.status,
                        "started": r.started,
                        "finished": r.finished,
                        "changes": r.changes,
                        **r.summary,
                    }
                    for r in runs
                ],
                indent=2,
            )
        )
        return EXIT_OK
    if not runs:
        print(f"No runs in {runs_directory()}.")
        return EXIT_OK
    print(f"{'RUN':<29} {'STATUS':<12} {'CHANGES':>7}  ROLE / PROFILE / INSTANCES")
    for r in runs:
        s = r.summary
        print(
            f"{r.run_id:<29} {r.status:<12} {r.changes:>7}  {s.get('role_name', '?')} / "
            f"{s.get('profile_name', '?')} / {len(s.get('instance_ids', []))}"
        )
    return EXIT_OK


def _rollback(args: argparse.Namespace, config: AppConfig) -> int:
    from ssm_tui.aws.journal import read_run

    try:
        record = read_run(args.run_id)
    except FileNotFoundError as exc:
        _err("rollback", str(exc))
        return EXIT_BAD_INPUT
    undoable = [c for c in record.calls if c.outcome != "error"]
    out = sys.stderr if args.json else sys.stdout
    print(
        f"Run {record.run_id} ({record.status}): {len(undoable)} call(s) to undo, newest first:",
        file=out,
    )
    for call in reversed(undoable):
        target = call.extra.get("instance_id") or next(iter(call.params.values()), "")
        print(
            f"  undo {call.call} {target}"
            + (" (outcome unknown)" if call.outcome == "unknown" else ""),
            file=out,
        )
    if config.read_only:
        print("--read-only: nothing changed.", file=out)
        return EXIT_OK
    if undoable and not _confirm("rollback", "Undo these calls?", args.yes):
        return EXIT_NOT_CONFIRMED
    from ssm_tui.aws.rollback import rollback_run

    with ExitStack() as stack:
        ctx = _connect(config, stack)
        result = rollback_run(ctx, args.run_id, emit=_print_event)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(
            f"Rollback of {args.run_id} {'complete' if result.ok else 'INCOMPLETE'}: "
            f"{len(result.undone)} undone, {len(result.already_gone)} already gone, {len(result.failed)} failed."
        )
        for line in result.failed + result.notes:
            print(f"  {line}")
    return EXIT_OK if result.ok else EXIT_FAILED
