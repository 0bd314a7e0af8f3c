"""Attach (or replace) the instance profile on many instances: readiness gate, then a fan-out.

Why it is built this way:
- IAM changes take up to ~2 minutes to reach EC2. Until then EC2 answers "Invalid IAM Instance
  Profile name" or "has no associated IAM Roles"; those (and only those) are retried with
  jittered back-off until `propagation_timeout`. Other client errors fail that instance at once.
- EC2 throttles mutating calls per account: a client-side token bucket per call family keeps the
  fan-out under EC2's buckets; throttling and 5xx that still happen are retried here (the attach
  client has botocore retries off, so every attempt passes the bucket and the injectable clock).
- A response lost after the call succeeded must not become a failure: the retry's
  IncorrectState (or NotFound on replace) is resolved by reading the association back.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ssm_tui.aws.clock import Clock, SystemClock
from ssm_tui.aws.current_state import error_code, live_association
from ssm_tui.aws.journal import Journal
from ssm_tui.aws.read_only import ReadOnlyViolation
from ssm_tui.aws.session import ATTACH_CONCURRENCY_MAX
from ssm_tui.aws.token_bucket import (
    EC2_ASSOCIATE_BUCKET,
    EC2_REPLACE_BUCKET,
    BucketSize,
    TokenBucket,
)
from ssm_tui.planning.plan import Action, InstanceStep
from ssm_tui.planning.progress import FanOutProgress, InstanceResult, LogLine

PROPAGATION_MESSAGES = ("invalid iam instance profile name", "has no associated iam roles")
THROTTLE_CODES = frozenset(
    {"RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException"}
)
TRANSIENT_CODES = frozenset(
    {"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable"}
)
PROPAGATION_HINT = "IAM changes can take up to two minutes to reach EC2; re-run apply to retry"

Emit = Callable[[object], None]


@dataclass(frozen=True)
class AttachSettings:
    """Knobs for the fan-out. Defaults follow EC2's documented buckets and IAM's propagation time."""

    concurrency: int = 16
    associate_bucket: BucketSize = EC2_ASSOCIATE_BUCKET
    replace_bucket: BucketSize = EC2_REPLACE_BUCKET
    propagation_timeout: float = 120.0
    backoff_base: float = 1.0
    backoff_cap: float = 10.0
    transient_attempts: int = (
        8  # 5xx / lost responses, per instance (throttling: until the deadline)
    )
    gate_successes: int = 3  # the profile must be seen this many times in a row
    gate_interval: float = 1.0
    gate_timeout: float = 120.0


def attach_client(ctx: Any) -> Any:
    """The EC2 client for the fan-out: botocore retries and its adaptive limiter off, because
    the attacher retries through its own token bucket on an injectable clock."""
    return ctx.client("ec2", max_attempts=0, retry_mode="standard")


def is_propagation_error(exc: ClientError) -> bool:
    """EC2 does not see the new profile (or its role) yet. moto says NoSuchEntity where AWS says
    InvalidParameterValue "Invalid IAM Instance Profile name": both mean "not visible yet"."""
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message", "").lower()
    if code == "NoSuchEntity":
        return True
    return code in ("InvalidParameterValue", "InvalidParameterCombination") and any(
        m in message for m in PROPAGATION_MESSAGES
    )


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, BotoCoreError):
        return (
            True  # read timeout, connection reset: the outcome is unknown, read back after retrying
        )
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return error_code(exc) in THROTTLE_CODES | TRANSIENT_CODES or status >= 500
    return False


@dataclass
class _Counters:
    total: int
    done: int = 0
    failed: int = 0
    cancelled: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Attacher:
    """One fan-out against one EC2 client (use a client with botocore retries off: we retry)."""

    def __init__(
        self,
        ec2: Any,
        journal: Journal,
        *,
        profile_name: str,
        profile_arn: str,
        settings: AttachSettings | None = None,
        clock: Clock | None = None,
        emit: Emit | None = None,
        cancelled: threading.Event | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.ec2 = ec2
        self.journal = journal
        self.profile_name = profile_name
        self.profile_arn = profile_arn
        self.settings = settings or AttachSettings()
        self.clock = clock or SystemClock()
        self.emit = emit or (lambda event: None)
        self.cancelled = cancelled or threading.Event()
        self.rng = rng or random.Random()
        self.associate_bucket = TokenBucket(self.settings.associate_bucket, self.clock)
        self.replace_bucket = TokenBucket(self.settings.replace_bucket, self.clock)

    # -- waiting ---------------------------------------------------------------------------------
    def _pause(self, seconds: float) -> None:
        """Sleep on the clock in short slices so a cancel is noticed within half a second."""
        end = self.clock.now() + seconds
        while not self.cancelled.is_set():
            left = end - self.clock.now()
            if left <= 0:
                return
            self.clock.sleep(min(left, 0.5))

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** min(attempt, 10))
        return ceiling * self.rng.uniform(0.5, 1.0)

    def wait_until_visible(self, iam: Any, role_name: str) -> bool:
        """Readiness gate: the profile, holding `role_name`, seen `gate_successes` times in a row."""
        deadline = self.clock.now() + self.settings.gate_timeout
        streak = 0
        while not self.cancelled.is_set():
            try:
                profile = iam.get_instance_profile(InstanceProfileName=self.profile_name)[
                    "InstanceProfile"
                ]
                seen = role_name in [r["RoleName"] for r in profile.get("Roles", [])]
            except ClientError as exc:
                if error_code(exc) != "NoSuchEntity":
                    raise
                seen = False
            streak = streak + 1 if seen else 0
            if streak >= self.settings.gate_successes:
                return True
            if self.clock.now() >= deadline:
                return False
            self._pause(self.settings.gate_interval)
        return False

    # -- reading back --------------------------------------------------------------------------------
    def current_association(self, instance_id: str) -> dict | None:
        return live_association(self.ec2, instance_id)

    def read_back(self, instance_id: str) -> dict | None:
        """`current_association` with our retries: a throttled read must not fail an attached instance."""
        attempt = 0
        while True:
            try:
                return self.current_association(instance_id)
            except (ClientError, BotoCoreError) as exc:
                if (
                    not is_transient(exc)
                    or attempt >= self.settings.transient_attempts
                    or self.cancelled.is_set()
                ):
                    raise
                self._pause(self._backoff(attempt))
                attempt += 1

    def _holds_our_profile(self, association: dict | None) -> bool:
        return (
            bool(association)
            and association["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1] == self.profile_name
        )

    def _retry_later(self, step: InstanceStep, operation: str, code: str, attempt: int) -> None:
        """Log a transient failure (throttling, 5xx) and back off before the next attempt."""
        delay = self._backoff(attempt)
        self.emit(LogLine(f"{step.instance_id}: {operation} {code}, retrying in {delay:.1f} s", "warning"))
        self._pause(delay)

    # -- one call with retries ----------------------------------------------------------------------
    def _call(
        self,
        step: InstanceStep,
        operation: str,
        fn: Any,
        params: dict,
        bucket: TokenBucket,
        state: dict,
    ) -> tuple[str, Any]:
        """Make one mutating call with our retry policy.

        Returns ("ok", reply), ("resolved", association) when a read-back proved the change
        happened, ("cancelled", None), or ("failed", message).
        """
        deadline = self.clock.now() + self.settings.propagation_timeout
        propagation_attempt = transient_attempt = 0
        while True:
            if self.cancelled.is_set():
                return "cancelled", None
            if not bucket.acquire(self.cancelled):
                return "cancelled", None
            state["attempts"] += 1
            seq = self.journal.intent(
                f"ec2.{operation}",
                params,
                instance_id=step.instance_id,
                profile_arn=self.profile_arn,
                previous_profile_arn=step.previous_profile_arn,
                previous_association_id=step.previous_association_id,
            )
            try:
                reply = fn(**params)
            except ClientError as exc:
                code = error_code(exc)
                message = exc.response.get("Error", {}).get("Message", "")
                self.journal.error(seq, f"ec2.{operation}", code, message)
                if is_propagation_error(exc):
                    if self.clock.now() >= deadline:
                        return "failed", (
                            f"{operation}: {code}: {message} — still failing after "
                            f"{self.settings.propagation_timeout:.0f} s; {PROPAGATION_HINT}"
                        )
                    delay = self._backoff(propagation_attempt)
                    propagation_attempt += 1
                    self.emit(
                        LogLine(
                            f"{step.instance_id}: {operation} {code} (profile not visible to EC2 yet), "
                            f"retrying in {delay:.1f} s",
                            "warning",
                        )
                    )
                    self._pause(delay)
                    continue
                if code in THROTTLE_CODES and self.clock.now() < deadline:
                    # Throttling means "slow down", not "failed": wait it out like propagation.
                    self._retry_later(step, operation, code, transient_attempt)
                    transient_attempt += 1
                    continue
                if is_transient(exc) and transient_attempt < self.settings.transient_attempts:
                    self._retry_later(step, operation, code, transient_attempt)
                    transient_attempt += 1
                    continue
                if state["uncertain"] or code == "IncorrectState" or code.endswith("NotFound"):
                    association = self.read_back(step.instance_id)
                    if self._holds_our_profile(association):
                        return "resolved", association
                return "failed", f"{operation}: {code}: {message}"
            except ReadOnlyViolation as exc:
                self.journal.error(seq, f"ec2.{operation}", "ReadOnly", str(exc))
                return "failed", str(exc)
            except BotoCoreError as exc:
                self.journal.write("lost", intent=seq, call=f"ec2.{operation}", message=str(exc))
                state["uncertain"] = True
                if transient_attempt >= self.settings.transient_attempts:
                    return "failed", f"{operation}: {exc}"
                delay = self._backoff(transient_attempt)
                transient_attempt += 1
                self.emit(
                    LogLine(
                        f"{step.instance_id}: {operation} lost ({type(exc).__name__}), "
                        f"retrying in {delay:.1f} s",
                        "warning",
                    )
                )
                self._pause(delay)
                continue
            result = reply.get("IamInstanceProfileAssociation", {})
            self.journal.done(
                seq, f"ec2.{operation}", {"association_id": result.get("AssociationId")}
            )
            return "ok", reply

    # -- one instance ---------------------------------------------------------------------------------
    def attach_one(self, step: InstanceStep) -> InstanceResult:
        """Associate, replace, or (stopped instance) disassociate then associate; then read back."""
        state = {"attempts": 0, "uncertain": False}
        profile = {"Name": self.profile_name}
        if step.action is Action.REPLACE and not step.stopped:
            outcome, value = self._call(
                step,
                "ReplaceIamInstanceProfileAssociation",
                self.ec2.replace_iam_instance_profile_association,
                {"AssociationId": step.previous_association_id, "IamInstanceProfile": profile},
                self.replace_bucket,
                state,
            )
        else:
            if step.action is Action.REPLACE:  # stopped: disassociate first
                outcome, value = self._call(
                    step,
                    "DisassociateIamInstanceProfile",
                    self.ec2.disassociate_iam_instance_profile,
                    {"AssociationId": step.previous_association_id},
                    self.associate_bucket,
                    state,
                )
                if outcome == "failed" and "NotFound" in str(value):
                    outcome = "ok"  # already gone (a lost response, or someone else): carry on
                if outcome not in ("ok", "resolved"):
                    return self._result(step, outcome, value, state)
                state["uncertain"] = False
            outcome, value = self._call(
                step,
                "AssociateIamInstanceProfile",
                self.ec2.associate_iam_instance_profile,
                {"InstanceId": step.instance_id, "IamInstanceProfile": profile},
                self.associate_bucket,
                state,
            )
        if outcome == "ok":
            association = self.read_back(step.instance_id)
            if not self._holds_our_profile(association):
                shown = (
                    association["IamInstanceProfile"]["Arn"] if association else "no association"
                )
                return self._result(step, "failed", f"read back shows {shown}", state)
            value = association
        return self._result(step, outcome, value, state)

    def _result(self, step: InstanceStep, outcome: str, value: Any, state: dict) -> InstanceResult:
        if outcome in ("ok", "resolved"):
            assoc_id = value.get("AssociationId", "") if isinstance(value, dict) else ""
            detail = (
                f"{assoc_id} {value.get('State', '')}".strip() if isinstance(value, dict) else ""
            )
            if outcome == "resolved":
                detail += " (confirmed by reading back after a lost response)"
            return InstanceResult(
                step.instance_id, step.action.value, "ok", detail, state["attempts"]
            )
        if outcome == "cancelled":
            return InstanceResult(
                step.instance_id,
                step.action.value,
                "cancelled",
                "cancelled before the call",
                state["attempts"],
            )
        return InstanceResult(
            step.instance_id, step.action.value, "failed", str(value), state["attempts"]
        )

    # -- the fan-out --------------------------------------------------------------------------------------
    def attach_all(self, steps: Sequence[InstanceStep]) -> list[InstanceResult]:
        """Run `attach_one` over `steps` with bounded concurrency. A worker never dies: an
        unexpected exception becomes that instance's failure."""
        counters = _Counters(total=len(steps))
        started = self.clock.now()
        results: list[InstanceResult] = []
        workers = max(1, min(self.settings.concurrency, ATTACH_CONCURRENCY_MAX, len(steps) or 1))

        def guarded(step: InstanceStep) -> InstanceResult:
            try:
                return self.attach_one(step)
            except Exception as exc:  # noqa: BLE001 - reported per instance, the batch continues
                return InstanceResult(
                    step.instance_id, step.action.value, "failed", f"{type(exc).__name__}: {exc}"
                )

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="attach") as pool:
            futures = [pool.submit(guarded, step) for step in steps]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                with counters.lock:
                    if result.outcome == "ok":
                        counters.done += 1
                    elif result.outcome == "cancelled":
                        counters.cancelled += 1
                    else:
                        counters.failed += 1
                    progress = FanOutProgress(
                        counters.total,
                        counters.done,
                        counters.failed,
                        self.clock.now() - started,
                        counters.cancelled,
                    )
                level = "info" if result.outcome == "ok" else "error"
                self.emit(
                    LogLine(
                        f"{result.instance_id}: {result.action} {result.outcome} {result.detail}".rstrip(),
                        level,
                    )
                )
                self.emit(result)
                self.emit(progress)
        order = {s.instance_id: n for n, s in enumerate(steps)}
        return sorted(results, key=lambda r: order.get(r.instance_id, 0))
