"""Run-wide settings shared by the TUI and the headless commands.

Kept free of boto3 and Textual so the CLI can parse flags without paying for either import.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DEMO_SIZE = 250


@dataclass(frozen=True)
class AppConfig:
    """Where to talk to AWS and how carefully.

    `demo` starts the embedded moto server and overrides `endpoint_url`;
    `read_only` installs a guard that refuses every mutating AWS call.
    """

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    demo: bool = False
    demo_size: int = DEFAULT_DEMO_SIZE
    read_only: bool = False
