"""The command palette's ssm-tui commands (ctrl+p): the same actions as the keys, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (name, help, app action). Actions are strings so the palette stays in step with the bindings.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Refresh", "Reload instances, roles, keys, buckets and log groups", "refresh_all"),
    ("Switch region", "Reconnect to another AWS Region", "switch_region"),
    ("Switch AWS profile", "Reconnect with another profile from your AWS config", "switch_profile"),
    ("Copy policy", "Copy the policy JSON to the clipboard", "copy_policy"),
    ("Export policy", "Write JSON, Terraform, CloudFormation or a CLI script to a file", "export_policy"),
    ("Toggle theme", "Switch between a dark and a light theme", "toggle_theme"),
    ("Help", "Show every key binding", "help"),
)


class SsmTuiCommands(Provider):
    """Fuzzy-matched app commands; each runs the app action of the same key binding."""

    async def _run(self, action: str) -> None:
        await self.app.run_action(action)

    async def discover(self) -> Hits:
        for name, help_text, action in COMMANDS:
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), help=help_text)
