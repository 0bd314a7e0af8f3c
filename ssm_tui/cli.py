"""Entry point: the TUI by default, headless subcommands for scripts.

Each subcommand lives in `ssm_tui/commands/` and is imported only when chosen, so
`ssm-tui policy` never imports boto3 or Textual and `ssm-tui --version` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ssm_tui import __version__
from ssm_tui.config import DEFAULT_DEMO_SIZE, AppConfig

# name -> (module, help). Each module defines `add_arguments(parser)` and `run(args, config) -> int`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "policy": ("ssm_tui.commands.policy_command", "print the Session Manager policy for the given options"),
    "instances": ("ssm_tui.commands.listing_commands", "list EC2 instances with profile and SSM status"),
    "roles": ("ssm_tui.commands.listing_commands", "list IAM roles and their Session Manager readiness"),
    "apply": ("ssm_tui.commands.provisioning_commands", "create policy/role/profile and attach it (plan first)"),
    "runs": ("ssm_tui.commands.provisioning_commands", "list past apply runs from the journal"),
    "rollback": ("ssm_tui.commands.provisioning_commands", "undo exactly what one run did"),
}


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def _add_global_flags(parser: argparse.ArgumentParser, *, suppress_defaults: bool) -> None:
    """Global flags are accepted before *and* after the subcommand (`ssm-tui instances --demo`).

    The copy on each subparser uses SUPPRESS defaults so it never overwrites a value given
    before the subcommand.
    """

    def default(value):
        return argparse.SUPPRESS if suppress_defaults else value

    group = parser.add_argument_group("AWS connection")
    group.add_argument("--demo", action="store_true", default=default(False),
                       help="run against the embedded emulator (moto server on 127.0.0.1) with a seeded fleet")
    group.add_argument("--demo-size", type=_positive_int, metavar="N", default=default(DEFAULT_DEMO_SIZE),
                       help=f"number of instances in the demo fleet (default {DEFAULT_DEMO_SIZE})")
    group.add_argument("--profile", metavar="NAME", default=default(None), help="AWS profile (shared config / SSO)")
    group.add_argument("--region", metavar="REGION", default=default(None),
                       help="AWS region (default: from the AWS config, else us-east-1)")
    group.add_argument("--endpoint-url", metavar="URL", default=default(None),
                       help="send every AWS call here (also AWS_ENDPOINT_URL)")
    group.add_argument("--read-only", action="store_true", default=default(False),
                       help="refuse every mutating AWS call")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ssm-tui",
        description="Least-privilege Session Manager instance profiles for EC2 fleets. "
        "Without a subcommand, opens the terminal UI.",
    )
    parser.add_argument("--version", action="version", version=f"ssm-tui {__version__}")
    _add_global_flags(parser, suppress_defaults=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        _add_global_flags(sub, suppress_defaults=True)
        module = importlib.import_module(module_name)
        module.add_arguments(sub, name)
    return parser


def config_from_args(args: argparse.Namespace) -> AppConfig:
    return AppConfig(
        profile=args.profile,
        region=args.region,
        endpoint_url=args.endpoint_url,
        demo=args.demo,
        demo_size=args.demo_size,
        read_only=args.read_only,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config = config_from_args(args)
    if args.command is None:
        from ssm_tui.ui.run import run_tui

        return run_tui(config)
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    return module.run(args, config)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
