"""A client-side token bucket, so a fleet-wide attach stays inside EC2's request-rate budget.

EC2 throttles mutating calls per account with token buckets; its documented sizes for the calls
we make are Associate/Disassociate: burst 100, refill 5/s; Replace: burst 50, refill 5/s. Waiting
here is cheaper than being throttled (and sharing the account's budget with other tools).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ssm_tui.aws.clock import Clock, SystemClock


@dataclass(frozen=True)
class BucketSize:
    burst: float
    refill_per_s: float

    def scaled(self, factor: float) -> BucketSize:
        """Both sizes times `factor`; the burst never drops below one call."""
        return BucketSize(max(1.0, self.burst * factor), self.refill_per_s * factor)


# https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html (resource-intensive actions)
EC2_ASSOCIATE_BUCKET = BucketSize(burst=100, refill_per_s=5)
EC2_REPLACE_BUCKET = BucketSize(burst=50, refill_per_s=5)


class TokenBucket:
    """Thread-safe; `acquire()` blocks (on the injected clock) until a token is free.

    Tokens are taken in arrival order only loosely (whoever wakes first); fairness does not
    matter for a fan-out, the rate does.
    """

    def __init__(self, size: BucketSize, clock: Clock | None = None) -> None:
        if size.burst < 1 or size.refill_per_s <= 0:
            raise ValueError(f"a token bucket needs burst >= 1 and refill > 0, got {size}")
        self.size = size
        self._clock = clock or SystemClock()
        self._tokens = float(size.burst)
        self._stamp = self._clock.now()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock.now()
        if now > self._stamp:
            self._tokens = min(
                self.size.burst, self._tokens + (now - self._stamp) * self.size.refill_per_s
            )
        self._stamp = max(self._stamp, now)

    def try_acquire(self) -> float:
        """Take a token and return 0, or return how long to wait before one is free."""
        with self._lock:
            self._refill()
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.size.refill_per_s

    def acquire(self, cancelled: threading.Event | None = None) -> bool:
        """Block until a token is taken (True) or `cancelled` is set (False)."""
        while True:
            if cancelled is not None and cancelled.is_set():
                return False
            wait = self.try_acquire()
            if wait == 0:
                return True
            self._clock.sleep(min(wait, 0.5))
