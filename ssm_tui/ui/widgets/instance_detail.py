"""The instance detail pane: tags, profile association, SSM agent, and what Session Manager lacks."""

from __future__ import annotations

from collections.abc import Mapping

from rich.markup import escape
from textual.containers import VerticalScroll
from textual.widgets import Static

from ssm_tui.aws.models import UNKNOWN, Instance, Role


def session_manager_gaps(instance: Instance, roles_by_profile: Mapping[str, Role] | None) -> list[str]:
    """Why a session to this instance would fail today, in the order an operator fixes them.

    `roles_by_profile` is None while roles are not listed (or listing them was denied): then the
    role's permissions are reported as unknown rather than guessed.
    """
    gaps: list[str] = []
    if instance.state != "running":
        gaps.append(f"instance is {instance.state}: the agent only connects while it runs")
    if instance.association is None:
        gaps.append("no instance profile: attach one whose role carries the Session Manager policy")
    elif roles_by_profile is None:
        gaps.append(f"role behind {instance.profile_name}: unknown (roles not listed)")
    else:
        role = roles_by_profile.get(instance.profile_name)
        if role is None:
            gaps.append(f"profile {instance.profile_name} holds no role we could read")
        elif role.missing_actions is None:
            gaps.append(f"role {role.name}: its policies could not be read")
        elif role.missing_actions:
            gaps.append(f"role {role.name} lacks " + ", ".join(role.missing_actions))
    ping = instance.ssm.ping_status
    if ping == UNKNOWN:
        gaps.append("SSM agent status unknown (DescribeInstanceInformation denied or unavailable)")
    elif ping == "not managed":
        gaps.append("SSM has no record of it: agent missing or stopped, or no route to the SSM endpoints")
    elif ping != "Online":
        gaps.append(f"SSM agent is {ping}: reboot or restart the agent (it may take up to ~30 min)")
    return gaps


def roles_by_profile_name(roles: tuple[Role, ...]) -> dict[str, Role]:
    return {profile: role for role in roles for profile in role.instance_profiles}


class InstanceDetail(VerticalScroll):
    """Shown beside the table after `enter`; `escape` closes it."""

    def compose(self):
        yield Static(id="instance-detail-body")

    def show(self, instance: Instance, roles_by_profile: Mapping[str, Role] | None) -> None:
        lines = [f"[b]{escape(instance.instance_id)}[/b]  {escape(instance.name or '(no Name tag)')}", ""]
        lines.append(f"[dim]state[/]     {instance.state}   [dim]type[/] {instance.instance_type}")
        lines.append(f"[dim]platform[/]  {escape(instance.platform)}")
        lines.append(f"[dim]private IP[/] {instance.private_ip or '—'}   [dim]VPC[/] {instance.vpc_id or '—'}")
        lines += ["", "[b]Instance profile[/b]"]
        if instance.association:
            association = instance.association
            lines.append(f"{escape(association.profile_name)} ({association.state})")
            lines.append(f"[dim]{escape(association.profile_arn)}[/]")
            lines.append(f"[dim]association[/] {association.association_id}")
        else:
            lines.append("[dim]none[/]")
        lines += ["", "[b]SSM agent[/b]"]
        ssm = instance.ssm
        lines.append(f"[dim]ping[/] {escape(ssm.ping_status)}   [dim]agent[/] {escape(ssm.agent_version or '—')}")
        if ssm.last_ping:
            lines.append(f"[dim]last ping[/] {ssm.last_ping:%Y-%m-%d %H:%M:%S}")
        lines += ["", "[b]Session Manager[/b]"]
        gaps = session_manager_gaps(instance, roles_by_profile)
        if gaps:
            lines += [f"[$error]✗[/] {escape(gap)}" for gap in gaps]
        else:
            lines.append("[$success]✓ ready: profile, permissions and agent are in place[/]")
        lines += ["", "[b]Tags[/b]"]
        if instance.tags:
            lines += [f"[dim]{escape(k)}[/] = {escape(v)}" for k, v in sorted(instance.tags.items())]
        else:
            lines.append("[dim]none[/]")
        self.query_one("#instance-detail-body", Static).update("\n".join(lines))
        self.scroll_home(animate=False)
