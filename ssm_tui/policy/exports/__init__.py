"""Exports of the same options as the preview: JSON, Terraform, CloudFormation, AWS CLI script.

All are pure functions returning text; each validates options and names first and raises
InvalidOptionsError on any error.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from ssm_tui.policy.options import ResourceNames, SessionManagerOptions


class ExportFormat(StrEnum):
    JSON = "json"
    TERRAFORM = "terraform"
    CLOUDFORMATION = "cloudformation"
    CLI = "cli"


# Suggested file name per format, for "save as" in the UI.
EXPORT_FILE_NAMES: dict[ExportFormat, str] = {
    ExportFormat.JSON: "session-manager-policy.json",
    ExportFormat.TERRAFORM: "session_manager.tf",
    ExportFormat.CLOUDFORMATION: "session-manager-instance-profile.template.json",
    ExportFormat.CLI: "create-session-manager-instance-profile.sh",
}


def _renderer(fmt: ExportFormat) -> Callable[[SessionManagerOptions, ResourceNames], str]:
    if fmt is ExportFormat.JSON:
        from ssm_tui.policy.exports.json_export import render_json

        return render_json
    if fmt is ExportFormat.TERRAFORM:
        from ssm_tui.policy.exports.terraform import render_terraform

        return render_terraform
    if fmt is ExportFormat.CLOUDFORMATION:
        from ssm_tui.policy.exports.cloudformation import render_cloudformation

        return render_cloudformation
    from ssm_tui.policy.exports.cli_script import render_cli_script

    return render_cli_script


def render_export(
    fmt: ExportFormat | str, options: SessionManagerOptions, names: ResourceNames | None = None
) -> str:
    """The export text for `fmt`; raises InvalidOptionsError on bad options or names and
    ValueError on an unknown format."""
    return _renderer(ExportFormat(fmt))(options, names or ResourceNames())


__all__ = ["EXPORT_FILE_NAMES", "ExportFormat", "render_export"]
