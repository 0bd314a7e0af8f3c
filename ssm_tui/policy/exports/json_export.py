"""The bare policy document, ready for the console's JSON tab or `--policy-document`."""

from __future__ import annotations

from ssm_tui.policy.builder import policy_json
from ssm_tui.policy.exports.common import validated_policy
from ssm_tui.policy.options import ResourceNames, SessionManagerOptions


def render_json(options: SessionManagerOptions, names: ResourceNames) -> str:
    return policy_json(validated_policy(options, names)) + "\n"
