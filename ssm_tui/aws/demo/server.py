"""The embedded emulator: moto's server on 127.0.0.1, started in-process.

Real HTTP, so the app's one boto3 code path runs unchanged against it. Binding 127.0.0.1
(moto's default is 0.0.0.0) keeps the emulator off the network.
"""

from __future__ import annotations

import logging
import os
from types import TracebackType
from typing import Self

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class EmulatorServer:
    """Start/stop moto's ThreadedMotoServer on a free loopback port.

    Use as a context manager; `endpoint_url` is valid between start() and stop().
    """

    def __init__(self, *, load_managed_policies: bool = False) -> None:
        self._server = None
        self._load_managed_policies = load_managed_policies
        self.endpoint_url: str | None = None

    def start(self) -> str:
        # AWS managed policies cost ~2 s on the first IAM call; the demo does not need them.
        os.environ.setdefault(
            "MOTO_IAM_LOAD_MANAGED_POLICIES", "true" if self._load_managed_policies else "false"
        )
        # moto scans its ~1,300 default AMIs for every instance it launches (describe_images per
        # Instance.__init__): without them RunInstances is several times faster. Nothing here
        # needs them; any ImageId is accepted.
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        from moto.server import ThreadedMotoServer

        from ssm_tui.aws.demo import extensions

        logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # it logs every request to stderr
        extensions.install()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self.endpoint_url

    def reset(self) -> None:
        """Clear every emulated resource (moto's `/moto-api/reset`)."""
        import urllib.request

        assert self.endpoint_url, "server not started"
        urllib.request.urlopen(
            urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST"), timeout=10
        ).read()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self.endpoint_url = None

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
