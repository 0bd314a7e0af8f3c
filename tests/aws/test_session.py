"""Sessions and clients: the credential chain, shared clients, one-line setup errors."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from botocore.credentials import SSOProvider

from ssm_tui.aws.session import ATTACH_CONCURRENCY_MAX, AwsContext, AwsSetupError
from ssm_tui.config import AppConfig


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _no_env_credentials(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_identity_gives_account_and_partition(ctx):
    identity = ctx.identity()
    assert identity.account_id == "123456789012"
    assert identity.partition == "aws"
    assert identity.arn.startswith("arn:aws:")


def test_one_client_per_service_shared_across_threads(emulator):
    ctx = AwsContext.from_config(AppConfig(endpoint_url=emulator.endpoint_url))
    seen = []
    barrier = threading.Barrier(8)

    def grab():
        barrier.wait()
        seen.append(ctx.client("ec2"))

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 1
    assert ctx.client("iam") is not ctx.client("ec2")


def test_client_config_retries_adaptively_with_a_pool_wider_than_the_attach_concurrency(ctx):
    config = ctx.client("ec2").meta.config
    assert config.retries["mode"] == "adaptive"
    assert config.retries["total_max_attempts"] >= 6
    assert config.max_pool_connections >= ATTACH_CONCURRENCY_MAX


def test_region_defaults_to_us_east_1_and_endpoint_comes_from_the_environment(
    monkeypatch, emulator
):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
    ctx = AwsContext.from_config(AppConfig())
    assert ctx.region == "us-east-1"
    assert ctx.endpoint_url == emulator.endpoint_url
    assert ctx.identity().account_id == "123456789012"


def test_flags_win_over_the_environment(monkeypatch, emulator):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    ctx = AwsContext.from_config(AppConfig(endpoint_url=emulator.endpoint_url, region="eu-west-1"))
    assert ctx.client("ec2").meta.region_name == "eu-west-1"
    assert ctx.identity().partition == "aws"


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(AwsSetupError, match=r"AWS profile 'no-such-profile' not found"):
        AwsContext.from_config(AppConfig(profile="no-such-profile"))


def test_no_credentials_is_a_clear_error(monkeypatch, emulator):
    _no_env_credentials(monkeypatch)
    ctx = AwsContext.from_config(AppConfig(endpoint_url=emulator.endpoint_url))
    with pytest.raises(AwsSetupError, match="no AWS credentials found") as raised:
        ctx.identity()
    assert "\n" not in str(raised.value)


def test_unreachable_endpoint_is_a_clear_error():
    url = f"http://127.0.0.1:{_closed_port()}"
    ctx = AwsContext.from_config(AppConfig(endpoint_url=url))
    with pytest.raises(AwsSetupError, match="cannot reach the AWS endpoint") as raised:
        ctx.identity()
    assert url in str(raised.value)


def test_expired_sso_token_is_a_clear_error(monkeypatch, tmp_path, emulator):
    _no_env_credentials(monkeypatch)
    start_url = "https://example.awsapps.com/start"
    config = tmp_path / "config"
    config.write_text(
        "[profile sso-dev]\n"
        f"sso_start_url = {start_url}\n"
        "sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = us-east-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    cache = tmp_path / "sso-cache"
    cache.mkdir()
    expired = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (cache / f"{hashlib.sha1(start_url.encode()).hexdigest()}.json").write_text(
        json.dumps(
            {"startUrl": start_url, "region": "us-east-1", "accessToken": "x", "expiresAt": expired}
        )
    )
    monkeypatch.setattr(SSOProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    ctx = AwsContext.from_config(AppConfig(profile="sso-dev", endpoint_url=emulator.endpoint_url))
    with pytest.raises(
        AwsSetupError, match=r"SSO session .* expired.*aws sso login --profile sso-dev"
    ):
        ctx.identity()


def test_rejected_credentials_are_a_clear_error(ctx):
    from ssm_tui.aws.faults import FaultInjector

    FaultInjector(ctx.client("sts", max_attempts=1)).fail(
        "GetCallerIdentity", "InvalidClientTokenId", status=403
    )
    with pytest.raises(AwsSetupError, match=r"rejected the credentials .*InvalidClientTokenId"):
        ctx.identity()


@pytest.fixture
def not_aws():
    """An HTTP server on 127.0.0.1 that answers like a proxy error page, not like AWS."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = 200 if "html" in self.path else 502
            body = b"<html><body>proxy says no</body></html>" if status == 200 else b""
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/empty-502", "/html"])
def test_an_endpoint_that_is_not_aws_is_a_clear_error(not_aws, path):
    url = not_aws + path
    ctx = AwsContext.from_config(AppConfig(endpoint_url=url))
    with pytest.raises(AwsSetupError, match="did not answer like AWS"):
        ctx.identity()
