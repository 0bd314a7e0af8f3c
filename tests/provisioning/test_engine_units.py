"""Small pieces of the engine on their own: token bucket, journal, event forwarding."""

from __future__ import annotations

import json

import pytest

from ssm_tui.aws.clock import ManualClock
from ssm_tui.aws.journal import Journal, list_runs, new_run_id, read_run
from ssm_tui.aws.token_bucket import EC2_ASSOCIATE_BUCKET, BucketSize, TokenBucket
from ssm_tui.planning.progress import FanOutProgress, InstanceResult, LogLine, StepStarted
from ssm_tui.ui.widgets.progress_pane import EventForwarder, FanOutChanged, RunEvents, StepChanged


def test_bucket_allows_the_burst_then_the_refill_rate():
    clock = ManualClock(start=0)
    bucket = TokenBucket(BucketSize(burst=5, refill_per_s=2), clock)
    for _ in range(5):
        assert bucket.try_acquire() == 0
    assert bucket.try_acquire() == pytest.approx(0.5)
    for _ in range(10):  # ten more calls need five seconds at 2/s
        assert bucket.acquire()
    assert clock.now() == pytest.approx(5.0)


def test_bucket_scaling_and_bad_sizes():
    assert EC2_ASSOCIATE_BUCKET.scaled(10) == BucketSize(1000, 50)
    assert EC2_ASSOCIATE_BUCKET.scaled(0.001).burst == 1
    with pytest.raises(ValueError):
        TokenBucket(BucketSize(burst=0, refill_per_s=1))


def test_journal_survives_a_torn_last_line_and_marks_the_call_unknown(tmp_path):
    journal = Journal(new_run_id(), tmp_path)
    journal.write("run-start", summary={"role_name": "R"})
    done = journal.intent("iam.CreateRole", {"RoleName": "R"})
    journal.done(done, "iam.CreateRole", {"arn": "arn:aws:iam::1:role/R"})
    journal.intent("iam.CreateInstanceProfile", {"InstanceProfileName": "R"})
    with journal.path.open("a") as handle:  # kill -9 in the middle of writing the "done" line
        handle.write('{"run": "x", "kind": "do')
    record = read_run(journal.run_id, tmp_path)
    assert record.status == "incomplete"
    assert [(c.call, c.outcome) for c in record.calls] == [
        ("iam.CreateRole", "done"),
        ("iam.CreateInstanceProfile", "unknown"),
    ]
    assert record.calls[0].result == {"arn": "arn:aws:iam::1:role/R"}
    assert [r.run_id for r in list_runs(tmp_path)] == [journal.run_id]


def test_every_journal_line_is_json_with_run_id_and_sequence(tmp_path):
    journal = Journal("run-1", tmp_path)
    seq = journal.intent(
        "ec2.AssociateIamInstanceProfile", {"InstanceId": "i-1"}, previous_profile_arn=None
    )
    journal.error(seq, "ec2.AssociateIamInstanceProfile", "IncorrectState", "existing association")
    lines = [json.loads(line) for line in journal.path.read_text().splitlines()]
    assert [(line["run"], line["seq"], line["kind"]) for line in lines] == [
        ("run-1", 1, "intent"),
        ("run-1", 2, "error"),
    ]
    assert lines[0]["previous_profile_arn"] is None


def test_a_thousand_instance_results_become_a_handful_of_messages():
    posted: list = []
    forward = EventForwarder(posted.append, interval=0.1)
    forward(StepStarted(0, "attach"))
    for n in range(1000):
        forward(InstanceResult(f"i-{n:04d}", "associate", "ok"))
        forward(LogLine(f"i-{n:04d}: ok"))
        forward(FanOutProgress(total=1000, done=n + 1, failed=0, elapsed=1.0))
    forward.flush()
    batches = [m for m in posted if isinstance(m, RunEvents)]
    assert len(batches) < 100
    assert [r.instance_id for b in batches for r in b.results] == [
        f"i-{n:04d}" for n in range(1000)
    ]
    assert sum(len(b.lines) for b in batches) == 1000
    assert isinstance(posted[0], StepChanged)
    progress = [m for m in posted if isinstance(m, FanOutChanged)]
    # each progress message may replace the previous one still queued, so the queue stays short
    assert progress[-1].can_replace(progress[0]) and not progress[-1].can_replace(batches[0])
