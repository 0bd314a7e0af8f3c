"""The Roles tab: roles (EC2-trusted first) and, for the highlighted one, its policy documents
and a readiness verdict naming the Session Manager actions it lacks.

A roles listing is at most a few hundred rows, so the built-in DataTable is fine here.
"""

from __future__ import annotations

import json
from datetime import datetime

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from ssm_tui.aws.models import Listing, Role
from ssm_tui.ui.widgets.json_syntax import json_content
from ssm_tui.ui.widgets.quiet_loading import QuietLoadingMixin


def role_order(role: Role) -> tuple[bool, str]:
    """EC2-trusted roles first (they can back an instance profile), then by name."""
    return (not role.ec2_trusted, role.name.lower())


def verdict_text(role: Role) -> str:
    ready = role.session_manager_ready
    if ready is None:
        return "unknown"
    return "ready" if ready else f"missing {len(role.missing_actions or ())}"


class RolesView(QuietLoadingMixin, Vertical):
    """Everything on the Roles tab."""

    LOADING_WHAT = "roles"

    HELP_GROUP = "Roles"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._roles: tuple[Role, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("loading roles…", id="roles-status")
        with Horizontal(id="roles-body"):
            table: DataTable = DataTable(id="roles-table", cursor_type="row", zebra_stripes=False)
            table.add_columns("Role", "EC2", "Instance profiles", "Policies", "Session Manager")
            yield table
            with VerticalScroll(id="role-detail"):
                yield Static("[dim]Select a role to see its policies and readiness.[/]", id="role-detail-body")

    @property
    def roles(self) -> tuple[Role, ...]:
        return self._roles

    def show_listing(self, listing: Listing[Role], loaded_at: datetime | None = None) -> None:
        """Show the roles, or why there are none (e.g. AccessDenied: only this tab says so)."""
        self.loading = False
        self._roles = tuple(sorted(listing.items, key=role_order))
        table = self.query_one(DataTable)
        table.clear()
        colours = self.app.theme_variables
        for role in self._roles:
            verdict = verdict_text(role)
            style = colours["success"] if verdict == "ready" else ("dim" if verdict == "unknown" else colours["warning"])
            table.add_row(
                role.name,
                "yes" if role.ec2_trusted else "—",
                ", ".join(role.instance_profiles) or "—",
                str(len(role.policies)),
                Text(verdict, style=style),
                key=role.arn,
            )
        status = self.query_one("#roles-status", Static)
        if listing.error:
            status.update(f"[$error]{escape(listing.error)}[/] — the other tabs keep working")
            self.query_one("#role-detail", VerticalScroll).remove_children()
        else:
            trusted = sum(r.ec2_trusted for r in self._roles)
            ready = sum(bool(r.session_manager_ready) for r in self._roles)
            when = f" · loaded {loaded_at:%H:%M:%S}" if loaded_at else ""
            status.update(f"{len(self._roles)} roles · {trusted} EC2-trusted · {ready} ready for Session Manager{when}")
        if self._roles:
            self._show_role(self._roles[0])

    @on(DataTable.RowHighlighted, "#roles-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        role = next((r for r in self._roles if r.arn == event.row_key.value), None)
        if role is not None:
            self._show_role(role)

    def _show_role(self, role: Role) -> None:
        lines = [f"[b]{escape(role.name)}[/b]", f"[dim]{escape(role.arn)}[/]", ""]
        lines.append(f"trusted by: {escape(', '.join(role.trusted_services) or 'no AWS service')}")
        lines.append(f"instance profiles: {escape(', '.join(role.instance_profiles) or 'none')}")
        lines.append("")
        ready = role.session_manager_ready
        if ready is None:
            lines.append("[$warning]? readiness unknown: its policies could not be read[/]")
        elif ready:
            lines.append("[$success]✓ grants every action Session Manager needs[/]")
        else:
            lines.append("[$error]✗ missing for Session Manager:[/]")
            lines.extend(f"   {escape(action)}" for action in role.missing_actions or ())
        if not role.ec2_trusted:
            lines.append("[$warning]! not trusted by ec2.amazonaws.com: it cannot back an instance profile[/]")
        detail = self.query_one("#role-detail", VerticalScroll)
        widgets: list[Static] = [Static("\n".join(lines), classes="role-summary")]
        for policy in role.policies:
            widgets.append(Static(f"[b]{escape(policy.name)}[/b] [dim]({policy.kind})[/]", classes="role-policy-title"))
            if policy.document is None:
                widgets.append(Static("[dim]document not readable[/]"))
            else:
                widgets.append(Static(json_content(json.dumps(policy.document, indent=2))))
        with self.app.batch_update():
            detail.remove_children()
            detail.mount_all(widgets)
