"""Undo exactly what one run did, newest call first, using its journal.

Instances first (restore the previous profile, or disassociate), then IAM in reverse: remove
the role from the profile, delete the profile, detach the policy, delete the role, restore the
previous default version and delete ours, delete the policy. NoSuchEntity (or an association
that is already gone) counts as done, so a rollback can be re-run; DeleteConflict is retried
because IAM removals take a moment to propagate. Calls whose outcome is unknown (the run was
killed mid-call) are undone too. Every rollback call is journaled into the run's own file.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from ssm_tui.aws.clock import Clock, SystemClock
from ssm_tui.aws.current_state import error_code, live_association
from ssm_tui.aws.journal import Journal, JournalCall, read_run
from ssm_tui.aws.session import AwsContext
from ssm_tui.planning.progress import LogLine

Emit = Callable[[object], None]
INSTANCE_CALLS = (
    "ec2.AssociateIamInstanceProfile",
    "ec2.ReplaceIamInstanceProfileAssociation",
    "ec2.DisassociateIamInstanceProfile",
)
GONE_CODES = frozenset(
    {"NoSuchEntity", "InvalidAssociationID.NotFound", "InvalidInstanceID.NotFound"}
)


@dataclass
class RollbackSettings:
    conflict_timeout: float = 60.0  # DeleteConflict is retried this long (IAM propagation)
    backoff_base: float = 1.0
    backoff_cap: float = 8.0
    concurrency: int = 8


@dataclass
class RollbackResult:
    run_id: str
    undone: list[str] = field(default_factory=list)
    already_gone: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "ok": self.ok,
            "undone": self.undone,
            "already_gone": self.already_gone,
            "failed": self.failed,
            "notes": self.notes,
        }


class Rollback:
    def __init__(
        self,
        ctx: AwsContext,
        run_id: str,
        *,
        settings: RollbackSettings | None = None,
        clock: Clock | None = None,
        emit: Emit | None = None,
        journal_dir: Path | None = None,
    ) -> None:
        self.ctx = ctx
        self.run_id = run_id
        self.record = read_run(run_id, journal_dir)
        self.settings = settings or RollbackSettings()
        self.clock = clock or SystemClock()
        self.emit = emit or (lambda event: None)
        self.journal = Journal(run_id, journal_dir, prefix="rollback-")
        self.result = RollbackResult(run_id)
        self._lock = threading.Lock()
        self.iam = ctx.client("iam")
        self.ec2 = ctx.client("ec2")

    # -- bookkeeping ------------------------------------------------------------------------------
    def _note(self, bucket: list[str], text: str, level: str = "info") -> None:
        with self._lock:
            bucket.append(text)
        self.emit(LogLine(text, level))

    def _undo(
        self, label: str, call: str, fn: Any, params: dict, *, retry_conflict: bool = False
    ) -> bool:
        """Make one undo call, journaled; NoSuchEntity = already gone; DeleteConflict retried."""
        deadline = self.clock.now() + self.settings.conflict_timeout
        attempt = 0
        while True:
            seq = self.journal.intent(call, params)
            try:
                fn(**params)
            except ClientError as exc:
                code = error_code(exc)
                self.journal.error(
                    seq, call, code, exc.response.get("Error", {}).get("Message", "")
                )
                if code in GONE_CODES:
                    self._note(self.result.already_gone, f"{label}: already gone")
                    return True
                if code == "DeleteConflict" and retry_conflict and self.clock.now() < deadline:
                    delay = min(self.settings.backoff_cap, self.settings.backoff_base * 2**attempt)
                    delay *= random.uniform(0.5, 1.0)
                    attempt += 1
                    self.emit(
                        LogLine(f"{label}: DeleteConflict, retrying in {delay:.1f} s", "warning")
                    )
                    self.clock.sleep(delay)
                    continue
                self._note(
                    self.result.failed,
                    f"{label}: {code}: {exc.response.get('Error', {}).get('Message', '')}",
                    "error",
                )
                return False
            self.journal.done(seq, call)
            self._note(self.result.undone, label)
            return True

    # -- instances ----------------------------------------------------------------------------------

    def _restore_instance(self, first_call: JournalCall) -> None:
        """Put back the instance's previous profile (or none), if it still holds ours."""
        extra = first_call.extra
        instance_id = extra["instance_id"]
        ours = str(extra.get("profile_arn", "")).rsplit("/", 1)[-1]
        previous_arn = extra.get("previous_profile_arn")
        current = live_association(self.ec2, instance_id)
        current_name = current["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1] if current else None
        if current is not None and current_name != ours:
            self._note(
                self.result.notes, f"{instance_id}: now holds {current_name}, not ours: left alone"
            )
            return
        previous_name = previous_arn.rsplit("/", 1)[-1] if previous_arn else None
        if current is None:
            if previous_name is None:
                self._note(
                    self.result.already_gone, f"{instance_id}: no association: nothing to undo"
                )
                return
            self._undo(
                f"{instance_id}: re-associate {previous_name}",
                "ec2.AssociateIamInstanceProfile",
                self.ec2.associate_iam_instance_profile,
                {"InstanceId": instance_id, "IamInstanceProfile": {"Name": previous_name}},
            )
            return
        if previous_name is None:
            self._undo(
                f"{instance_id}: disassociate {ours}",
                "ec2.DisassociateIamInstanceProfile",
                self.ec2.disassociate_iam_instance_profile,
                {"AssociationId": current["AssociationId"]},
            )
            return
        self._undo(
            f"{instance_id}: restore {previous_name}",
            "ec2.ReplaceIamInstanceProfileAssociation",
            self.ec2.replace_iam_instance_profile_association,
            {
                "AssociationId": current["AssociationId"],
                "IamInstanceProfile": {"Name": previous_name},
            },
        )

    def _restore_instances(self, calls: list[JournalCall]) -> None:
        first_per_instance: dict[str, JournalCall] = {}
        for call in calls:  # the first call per instance carries its state before the run
            if call.call in INSTANCE_CALLS:
                first_per_instance.setdefault(call.extra.get("instance_id", ""), call)
        touched = {
            c.extra.get("instance_id")
            for c in calls
            if c.call in INSTANCE_CALLS and c.outcome != "error"
        }
        targets = [c for i, c in first_per_instance.items() if i in touched]
        if not targets:
            return
        with ThreadPoolExecutor(
            max_workers=max(1, self.settings.concurrency), thread_name_prefix="rollback"
        ) as pool:
            for future in [pool.submit(self._restore_instance, c) for c in targets]:
                try:
                    future.result()
                except Exception as exc:  # noqa: BLE001 - one instance's failure must not stop the rest
                    self._note(
                        self.result.failed,
                        f"instance restore: {type(exc).__name__}: {exc}",
                        "error",
                    )

    # -- IAM --------------------------------------------------------------------------------------------
    def _delete_policy(self, arn: str) -> None:
        """Delete non-default versions, then the policy — only if nothing else still uses it.

        AWS refuses to delete an attached policy; moto allows it (and then gets stuck), so we
        check attachments ourselves first.
        """
        try:
            self.iam.get_policy(PolicyArn=arn)
            entities = self.iam.list_entities_for_policy(PolicyArn=arn)
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:
                self._note(self.result.already_gone, f"policy {arn}: already gone")
                return
            raise
        holders = (
            [r["RoleName"] for r in entities.get("PolicyRoles", [])]
            + [u["UserName"] for u in entities.get("PolicyUsers", [])]
            + [g["GroupName"] for g in entities.get("PolicyGroups", [])]
        )
        if holders:
            self._note(
                self.result.failed,
                f"policy {arn}: still attached to {', '.join(holders)}: not deleted",
                "error",
            )
            return
        for version in self.iam.list_policy_versions(PolicyArn=arn)["Versions"]:
            if not version["IsDefaultVersion"]:
                self._undo(
                    f"policy {arn}: delete version {version['VersionId']}",
                    "iam.DeletePolicyVersion",
                    self.iam.delete_policy_version,
                    {"PolicyArn": arn, "VersionId": version["VersionId"]},
                )
        self._undo(
            f"delete policy {arn}",
            "iam.DeletePolicy",
            self.iam.delete_policy,
            {"PolicyArn": arn},
            retry_conflict=True,
        )

    def _restore_version(self, call: JournalCall) -> None:
        arn = call.params["PolicyArn"]
        ours = (call.result or {}).get("version_id")
        previous = call.extra.get("previous_default")
        try:
            policy = self.iam.get_policy(PolicyArn=arn)["Policy"]
            versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:
                self._note(self.result.already_gone, f"policy {arn}: already gone")
                return
            raise
        if (
            ours is None
        ):  # killed mid-call: ours is the newest version that is not the previous default
            candidates = sorted(
                (v for v in versions if v["VersionId"] != previous), key=lambda v: v["CreateDate"]
            )
            ours = candidates[-1]["VersionId"] if candidates else None
        if ours is None:
            self._note(self.result.already_gone, f"policy {arn}: our version is gone")
            return
        if policy["DefaultVersionId"] == ours and previous:
            self._undo(
                f"policy {arn}: make {previous} the default again",
                "iam.SetDefaultPolicyVersion",
                self.iam.set_default_policy_version,
                {"PolicyArn": arn, "VersionId": previous},
            )
        self._undo(
            f"policy {arn}: delete version {ours}",
            "iam.DeletePolicyVersion",
            self.iam.delete_policy_version,
            {"PolicyArn": arn, "VersionId": ours},
        )

    def _undo_iam(self, call: JournalCall) -> None:
        p = call.params
        if call.call == "iam.AddRoleToInstanceProfile":
            self._undo(
                f"remove role {p['RoleName']} from instance profile {p['InstanceProfileName']}",
                "iam.RemoveRoleFromInstanceProfile",
                self.iam.remove_role_from_instance_profile,
                {"InstanceProfileName": p["InstanceProfileName"], "RoleName": p["RoleName"]},
            )
        elif call.call == "iam.CreateInstanceProfile":
            self._undo(
                f"delete instance profile {p['InstanceProfileName']}",
                "iam.DeleteInstanceProfile",
                self.iam.delete_instance_profile,
                {"InstanceProfileName": p["InstanceProfileName"]},
                retry_conflict=True,
            )
        elif call.call == "iam.AttachRolePolicy":
            self._undo(
                f"detach {p['PolicyArn']} from role {p['RoleName']}",
                "iam.DetachRolePolicy",
                self.iam.detach_role_policy,
                {"RoleName": p["RoleName"], "PolicyArn": p["PolicyArn"]},
            )
        elif call.call == "iam.CreateRole":
            self._undo(
                f"delete role {p['RoleName']}",
                "iam.DeleteRole",
                self.iam.delete_role,
                {"RoleName": p["RoleName"]},
                retry_conflict=True,
            )
        elif call.call == "iam.CreatePolicyVersion":
            self._restore_version(call)
        elif call.call == "iam.CreatePolicy":
            self._delete_policy((call.result or {}).get("arn") or call.extra.get("arn"))
        elif call.call == "iam.DeletePolicyVersion":
            self._note(
                self.result.notes,
                f"policy {p['PolicyArn']}: version {p['VersionId']} was deleted to make "
                "room (IAM keeps five) and cannot be restored",
                "warning",
            )

    def run(self) -> RollbackResult:
        """Undo the run. Safe to repeat: what is already undone counts as done."""
        calls = list(self.record.calls)
        self.journal.write("rollback-start")
        self._restore_instances(calls)
        for call in reversed(calls):
            if call.call in INSTANCE_CALLS or call.outcome == "error":
                continue
            try:
                self._undo_iam(call)
            except ClientError as exc:
                self._note(self.result.failed, f"{call.call}: {error_code(exc)}: {exc}", "error")
        self.journal.write("rollback-end", complete=self.result.ok, result=self.result.to_dict())
        return self.result


def rollback_run(ctx: AwsContext, run_id: str, **kwargs: Any) -> RollbackResult:
    return Rollback(ctx, run_id, **kwargs).run()
