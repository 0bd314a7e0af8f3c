"""Execute a plan's IAM steps, one at a time, each call journaled before and after.

IAM steps are serial on purpose: each depends on the previous one (the role needs the policy,
the profile needs the role) and there are at most a handful of them.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ssm_tui.aws.current_state import error_code
from ssm_tui.aws.journal import Journal
from ssm_tui.aws.read_only import ReadOnlyViolation
from ssm_tui.planning.plan import Action, Step

POLICY_DESCRIPTION = "Session Manager permissions for EC2 instances (created by ssm-tui)"
ROLE_DESCRIPTION = "Lets EC2 instances use Session Manager (created by ssm-tui)"


class StepFailed(Exception):
    """An IAM step failed; the message names the call and AWS's error."""


def _call(
    journal: Journal,
    name: str,
    fn: Any,
    params: dict,
    journal_params: dict | None = None,
    summarize: Any = None,
    **extra: Any,
) -> Any:
    """Journal the intent, make the call, journal the outcome. Errors become StepFailed.

    `summarize(reply)` picks what rollback needs from the reply (an ARN, a version id).
    """
    seq = journal.intent(name, journal_params if journal_params is not None else params, **extra)
    try:
        reply = fn(**params)
    except ClientError as exc:
        message = exc.response.get("Error", {}).get("Message", str(exc))
        journal.error(seq, name, error_code(exc), message)
        raise StepFailed(f"{name} failed: {error_code(exc)}: {message}") from exc
    except ReadOnlyViolation as exc:  # refused before sending: nothing happened
        journal.error(seq, name, "ReadOnly", str(exc))
        raise StepFailed(str(exc)) from exc
    except (
        BotoCoreError
    ) as exc:  # unknown outcome (timeout, connection): rollback will try to undo it
        journal.write(journal.prefix + "lost", intent=seq, call=name, message=str(exc))
        raise StepFailed(f"{name} failed: {exc}") from exc
    journal.done(seq, name, summarize(reply) if summarize else None)
    return reply


class Provisioner:
    """Runs IAM steps against one IAM client, writing every mutating call to `journal`."""

    def __init__(self, iam: Any, journal: Journal, *, policy_arn: str) -> None:
        self.iam = iam
        self.journal = journal
        self.policy_arn = policy_arn

    def run(self, step: Step) -> str:
        """Perform `step`; return a one-line outcome. Raises StepFailed."""
        handler = {
            (Action.CREATE, "policy"): self._create_policy,
            (Action.DELETE_VERSION, "policy"): self._delete_version,
            (Action.NEW_VERSION, "policy"): self._new_version,
            (Action.CREATE, "role"): self._create_role,
            (Action.ATTACH_POLICY, "role"): self._attach_policy,
            (Action.CREATE, "instance-profile"): self._create_profile,
            (Action.ADD_ROLE, "instance-profile"): self._add_role,
        }.get((step.action, step.resource))
        if handler is None:
            return step.action.value  # no-op / adopt: nothing to call
        return handler(step)

    def _create_policy(self, step: Step) -> str:
        params = {
            "PolicyName": step.name,
            "PolicyDocument": json.dumps(step.params["document"]),
            "Description": POLICY_DESCRIPTION,
            "Tags": step.params["tags"],
        }
        reply = _call(
            self.journal,
            "iam.CreatePolicy",
            self.iam.create_policy,
            params,
            {**params, "PolicyDocument": step.params["document"]},
            summarize=lambda r: {"arn": r["Policy"]["Arn"]},
            arn=self.policy_arn,
        )
        arn = reply["Policy"]["Arn"]
        self.policy_arn = arn
        return f"created {arn}"

    def _delete_version(self, step: Step) -> str:
        params = {"PolicyArn": step.params["arn"], "VersionId": step.params["version_id"]}
        _call(self.journal, "iam.DeletePolicyVersion", self.iam.delete_policy_version, params)
        return f"deleted version {step.params['version_id']}"

    def _new_version(self, step: Step) -> str:
        params = {
            "PolicyArn": step.params["arn"],
            "PolicyDocument": json.dumps(step.params["document"]),
            "SetAsDefault": True,
        }
        reply = _call(
            self.journal,
            "iam.CreatePolicyVersion",
            self.iam.create_policy_version,
            params,
            {**params, "PolicyDocument": step.params["document"]},
            summarize=lambda r: {"version_id": r["PolicyVersion"]["VersionId"]},
            previous_default=step.params["previous_default"],
        )
        version = reply["PolicyVersion"]["VersionId"]
        return f"created default version {version}"

    def _create_role(self, step: Step) -> str:
        params = {
            "RoleName": step.name,
            "AssumeRolePolicyDocument": json.dumps(step.params["trust_document"]),
            "Description": ROLE_DESCRIPTION,
            "Tags": step.params["tags"],
        }
        reply = _call(
            self.journal,
            "iam.CreateRole",
            self.iam.create_role,
            params,
            {**params, "AssumeRolePolicyDocument": step.params["trust_document"]},
            summarize=lambda r: {"arn": r["Role"]["Arn"]},
        )
        return f"created {reply['Role']['Arn']}"

    def _attach_policy(self, step: Step) -> str:
        params = {"RoleName": step.name, "PolicyArn": step.params["policy_arn"]}
        _call(self.journal, "iam.AttachRolePolicy", self.iam.attach_role_policy, params)
        return f"attached {step.params['policy_arn']}"

    def _create_profile(self, step: Step) -> str:
        params = {"InstanceProfileName": step.name, "Tags": step.params["tags"]}
        reply = _call(
            self.journal,
            "iam.CreateInstanceProfile",
            self.iam.create_instance_profile,
            params,
            summarize=lambda r: {"arn": r["InstanceProfile"]["Arn"]},
        )
        return f"created {reply['InstanceProfile']['Arn']}"

    def _add_role(self, step: Step) -> str:
        params = {"InstanceProfileName": step.name, "RoleName": step.params["role_name"]}
        _call(
            self.journal,
            "iam.AddRoleToInstanceProfile",
            self.iam.add_role_to_instance_profile,
            params,
        )
        return f"added role {step.params['role_name']}"
