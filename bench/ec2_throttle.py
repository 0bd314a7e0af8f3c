"""An emulated EC2 request-rate bucket in front of the emulator (moto never throttles).

A `before-send` hook on the mutating attach calls: while the bucket has a token the request goes
through to moto; when it is empty the hook answers HTTP 503 RequestLimitExceeded, as EC2 does.
The same hook sits in front of ssm-tui's attacher and the naive loop.
"""

from __future__ import annotations

import threading
import time

from ssm_tui.aws.faults import aws_error_response

ATTACH_OPERATIONS = ("AssociateIamInstanceProfile", "ReplaceIamInstanceProfileAssociation",
                     "DisassociateIamInstanceProfile")


class EmulatedEc2Bucket:
    """Server-side bucket on the real clock. Counts what it let through and what it refused."""

    def __init__(self, burst: float, refill_per_s: float) -> None:
        self.burst, self.refill_per_s = burst, refill_per_s
        self._tokens = burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()
        self.accepted = 0
        self.throttled = 0

    def take(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.refill_per_s)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                self.accepted += 1
                return True
            self.throttled += 1
            return False

    def install(self, ec2_client) -> None:
        def gate(request, **_):
            if self.take():
                return None  # let botocore send it to moto
            return aws_error_response(503, "RequestLimitExceeded", "Request limit exceeded.", protocol="ec2",
                                      url=request.url)

        for operation in ATTACH_OPERATIONS:
            ec2_client.meta.events.register(f"before-send.ec2.{operation}", gate)

    def fraction_of_limit(self, successful_calls: int, elapsed: float) -> float:
        """Successful calls as a fraction of what the bucket allows in `elapsed` s (burst + refill·t)."""
        return successful_calls / (self.burst + self.refill_per_s * elapsed)

    def minimum_seconds(self, calls: int) -> float:
        """The bucket's theoretical floor for `calls` calls starting full."""
        return max(0.0, (calls - self.burst) / self.refill_per_s)
