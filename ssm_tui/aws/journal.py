"""The run journal: an append-only JSONL file per run under the XDG state directory.

Every mutating call is written *before* it is sent ("intent") and *after* it returns ("done" or
"error"), each line fsynced, so a run killed with `kill -9` still says what it may have changed.
`rollback` reads it back; `ssm-tui runs` lists the files.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

APP_NAME = "ssm-tui"


def runs_directory() -> Path:
    """`$XDG_STATE_HOME/ssm-tui/runs` on Linux (platformdirs honours XDG_STATE_HOME)."""
    import platformdirs

    return Path(platformdirs.user_state_path(APP_NAME)) / "runs"


def new_run_id() -> str:
    """Sortable by time (to the millisecond), unique across processes: 20261203T164500123Z-3fa9c1."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")[:-3] + "Z-" + secrets.token_hex(3)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class Journal:
    """Writer for one run's journal. Thread-safe: the fan-out's workers share it."""

    def __init__(self, run_id: str, directory: Path | None = None, *, prefix: str = "") -> None:
        """`prefix="rollback-"` writes a rollback's calls into the run's own file, apart from the run's."""
        self.run_id = run_id
        self.prefix = prefix
        self.directory = directory or runs_directory()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / f"{run_id}.jsonl"
        self._lock = threading.Lock()
        self._seq = 0
        if self.path.exists():  # resuming an append (rollback of a run writes into its own file)
            self._seq = sum(1 for _ in self.path.open("rb"))

    def write(self, kind: str, **fields: Any) -> int:
        """Append one record and fsync it; return its sequence number."""
        with self._lock:
            self._seq += 1
            record = {"run": self.run_id, "seq": self._seq, "time": _now(), "kind": kind, **fields}
            line = json.dumps(record, default=_json_default, sort_keys=False) + "\n"
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            return self._seq

    def intent(self, call: str, params: dict, **extra: Any) -> int:
        """Record a mutating call about to be sent. `extra` holds what rollback needs (previous association...)."""
        return self.write(self.prefix + "intent", call=call, params=params, **extra)

    def done(self, intent_seq: int, call: str, result: Any = None) -> None:
        self.write(self.prefix + "done", intent=intent_seq, call=call, result=result)

    def error(self, intent_seq: int, call: str, code: str, message: str) -> None:
        self.write(self.prefix + "error", intent=intent_seq, call=call, code=code, message=message)


@dataclass
class JournalCall:
    """One mutating call as recorded: outcome "done", "error", or "unknown" (no record after the intent)."""

    seq: int
    call: str
    params: dict
    outcome: str
    result: Any = None
    extra: dict = field(default_factory=dict)
    error_code: str | None = None


@dataclass
class RunRecord:
    run_id: str
    path: Path
    started: str | None = None
    finished: str | None = None
    summary: dict = field(default_factory=dict)
    calls: list[JournalCall] = field(default_factory=list)
    rollbacks: list[dict] = field(default_factory=list)
    rolled_back: bool = False
    ok: bool | None = None

    @property
    def status(self) -> str:
        if self.rolled_back:
            return "rolled back"
        if self.finished is None:
            return "incomplete"
        return "succeeded" if self.ok else "failed"

    @property
    def changes(self) -> int:
        return sum(c.outcome != "error" for c in self.calls)


def _records(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except ValueError:  # a torn last line after kill -9: the intent before it still counts
                continue


def read_run(run_id: str, directory: Path | None = None) -> RunRecord:
    """Parse one run's journal; raise FileNotFoundError with the path when it does not exist."""
    path = (directory or runs_directory()) / f"{run_id}.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"no journal for run {run_id!r} in {path.parent}")
    record = RunRecord(run_id=run_id, path=path)
    by_seq: dict[int, JournalCall] = {}
    for item in _records(path):
        kind = item.get("kind")
        if kind == "run-start":
            record.started = item.get("time")
            record.summary = item.get("summary", {})
        elif kind == "run-end":
            record.finished = item.get("time")
            record.ok = item.get("ok")
        elif kind == "intent":
            extra = {
                k: v
                for k, v in item.items()
                if k not in ("run", "seq", "time", "kind", "call", "params")
            }
            call = JournalCall(
                item["seq"], item["call"], item.get("params", {}), "unknown", extra=extra
            )
            by_seq[item["seq"]] = call
            record.calls.append(call)
        elif kind in ("done", "error"):
            call = by_seq.get(item.get("intent"))
            if call is not None:
                call.outcome = kind
                call.result = item.get("result")
                call.error_code = item.get("code")
        elif kind == "rollback-end":
            record.rolled_back = bool(item.get("complete"))
            record.rollbacks.append(item)
    return record


def list_runs(directory: Path | None = None) -> list[RunRecord]:
    """Every run in the state directory, newest first."""
    directory = directory or runs_directory()
    if not directory.exists():
        return []
    runs = []
    for path in sorted(directory.glob("*.jsonl"), reverse=True):
        try:
            runs.append(read_run(path.stem, directory))
        except OSError:
            continue
    return runs
