"""The top line: who and where we are talking to, and the READ-ONLY / DEMO badges.

Filled in when the connect worker reports; until then it says "connecting…" so the first paint
never waits for boto3 or the demo backend.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static


class HeaderBar(Horizontal):
    """Account, region, AWS profile and mode badges."""

    account: reactive[str] = reactive("connecting…")
    """The AWS account id, or a status while connecting / when identity is unknown."""
    aws_region: reactive[str] = reactive("")
    aws_profile: reactive[str] = reactive("")

    def __init__(self, *, demo: bool, read_only: bool, region: str, profile: str) -> None:
        super().__init__(id="header-bar")
        self._demo = demo
        self._read_only = read_only
        self.set_reactive(HeaderBar.aws_region, region)
        self.set_reactive(HeaderBar.aws_profile, profile)

    def compose(self) -> ComposeResult:
        yield Static("ssm-tui", id="header-title")
        yield Static(self._field_text("account", self.account), id="header-account")
        yield Static(self._field_text("region", self.aws_region), id="header-region")
        yield Static(self._field_text("profile", self.aws_profile), id="header-profile")
        if self._demo:
            yield Static(" DEMO ", id="badge-demo", classes="badge")
        if self._read_only:
            yield Static(" READ-ONLY ", id="badge-read-only", classes="badge")

    @staticmethod
    def _field_text(label: str, value: str) -> str:
        return f"[dim]{label}[/] {value or '—'}"

    def watch_account(self, value: str) -> None:
        self._update("#header-account", "account", value)

    def watch_aws_region(self, value: str) -> None:
        self._update("#header-region", "region", value)

    def watch_aws_profile(self, value: str) -> None:
        self._update("#header-profile", "profile", value)

    def _update(self, selector: str, label: str, value: str) -> None:
        if self.is_mounted:
            self.query_one(selector, Static).update(self._field_text(label, value))
