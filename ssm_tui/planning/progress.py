"""Events an apply emits while it runs, and the result document it ends with.

Pure dataclasses: the AWS layer emits them through a callback, the TUI turns them into Textual
messages, the CLI prints them. `RunResult.to_dict()` is what `ssm-tui apply --json` prints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class StepStarted:
    index: int
    description: str


@dataclass(frozen=True)
class StepFinished:
    index: int
    description: str
    outcome: str  # "ok" | "failed" | "skipped" | "cancelled"
    detail: str = ""


@dataclass(frozen=True)
class FanOutProgress:
    """Cumulative fan-out counters; a newer one supersedes an older one (the UI may drop stale ones)."""

    total: int
    done: int
    failed: int
    elapsed: float  # seconds, on the run's clock
    cancelled: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.failed - self.cancelled

    @property
    def rate(self) -> float:
        finished = self.done + self.failed
        return finished / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        rate = self.rate
        return self.remaining / rate if rate > 0 else None


@dataclass(frozen=True)
class LogLine:
    text: str
    level: str = "info"  # "info" | "warning" | "error"


@dataclass(frozen=True)
class StepResult:
    description: str
    action: str
    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class InstanceResult:
    """One instance's outcome; also emitted as an event when it is known."""

    instance_id: str
    action: str  # the planned action: associate | replace | no-op | skip | fail
    outcome: str  # "ok" | "failed" | "skipped" | "cancelled"
    detail: str = ""
    attempts: int = 0


@dataclass
class RunResult:
    """The run's result document. `ok` only when every step and every instance succeeded."""

    run_id: str
    policy_arn: str
    role_name: str
    profile_name: str
    dry_run: bool = False
    cancelled: bool = False
    refused: bool = False
    error: str | None = None
    steps: list[StepResult] = field(default_factory=list)
    instances: list[InstanceResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.cancelled
            and not self.refused
            and self.error is None
            and all(s.outcome in ("ok", "skipped") for s in self.steps)
            and all(i.outcome in ("ok", "skipped") for i in self.instances)
        )

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.instances:
            counts[item.outcome] = counts.get(item.outcome, 0) + 1
        return counts

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        data["instance_counts"] = self.counts()
        return data


ProgressEvent = StepStarted | StepFinished | InstanceResult | FanOutProgress | LogLine
