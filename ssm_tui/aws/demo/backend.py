"""`--demo`: the embedded emulator with a seeded fleet, for the duration of a run.

The demo must never touch real AWS or use real credentials: the backend puts dummy
credentials in this process's environment (and removes any profile selection) while it runs,
and points the app at the emulator on 127.0.0.1.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from types import TracebackType
from typing import Self

from ssm_tui.aws.demo.server import DUMMY_CREDENTIALS, EmulatorServer
from ssm_tui.config import DEFAULT_DEMO_SIZE, AppConfig

DEMO_REGION = "us-east-1"
_ENV_REMOVED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL")


class DemoBackend:
    """Start the emulator, seed `size` instances, stop it on exit.

    `seed_seconds` records how long seeding took (reported by the CLI and the benchmark).
    """

    def __init__(
        self, size: int = DEFAULT_DEMO_SIZE, *, seed: int = 7, agent_delay: float | None = None
    ) -> None:
        self.size = size
        self.seed = seed
        self.agent_delay = agent_delay
        self.endpoint_url: str | None = None
        self.seed_seconds: float | None = None
        self._server = EmulatorServer()
        self._saved_env: dict[str, str | None] = {}

    def _use_dummy_credentials(self) -> None:
        changes: dict[str, str | None] = {**DUMMY_CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true"}
        changes.update({name: None for name in _ENV_REMOVED})
        for name, value in changes.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _restore_environment(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()

    def config_for(self, config: AppConfig) -> AppConfig:
        """`config` pointed at the emulator: its endpoint, us-east-1, no profile."""
        assert self.endpoint_url, "demo backend not started"
        return replace(
            config, endpoint_url=self.endpoint_url, region=DEMO_REGION, profile=None, demo=True
        )

    def start(self) -> str:
        from ssm_tui.aws.demo import ssm_instance_information
        from ssm_tui.aws.demo.seed import seed_fleet
        from ssm_tui.aws.session import AwsContext

        self._use_dummy_credentials()
        try:
            self.endpoint_url = self._server.start()
            # moto keeps its state per process, not per server: start from an empty account.
            self._server.reset()
            ctx = AwsContext.from_config(self.config_for(AppConfig()))
            started = time.perf_counter()
            seed_fleet(ctx, self.size, seed=self.seed, in_process=True)
            self.seed_seconds = time.perf_counter() - started
            # The seeded fleet's agents registered long ago; only new attachments wait.
            ssm_instance_information.mark_all_registered()
            if self.agent_delay is not None:
                ssm_instance_information.set_agent_delay(self.agent_delay)
        except BaseException:
            self.stop()
            raise
        return self.endpoint_url

    def stop(self) -> None:
        self._server.stop()
        self.endpoint_url = None
        self._restore_environment()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
