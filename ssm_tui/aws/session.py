"""One boto3 session per run and one shared client per service.

boto3 sessions are not thread-safe but clients are, so clients are created once under a lock
and then shared by every worker thread. Setup problems (no credentials, an unknown profile,
an expired SSO token, an unreachable endpoint) become `AwsSetupError` with a one-line message
the CLI and the UI can show as is.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore import exceptions as bx
from botocore.config import Config
from botocore.parsers import ResponseParserError

from ssm_tui import __version__
from ssm_tui.config import AppConfig

DEFAULT_REGION = "us-east-1"
ATTACH_CONCURRENCY_MAX = 32  # the attacher's worker cap; the pool below must be at least this
MAX_POOL_CONNECTIONS = 64
RETRY_MAX_ATTEMPTS = 10  # adaptive mode: throttling backs off instead of failing a 250-instance run
CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 30

_CREDENTIALS_REJECTED = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "AuthFailure",
}


class AwsSetupError(Exception):
    """The app cannot talk to AWS at all; the message is one line meant for the user."""


@dataclass(frozen=True)
class CallerIdentity:
    account_id: str
    arn: str
    partition: str  # aws | aws-cn | aws-us-gov


def client_config(
    *, max_attempts: int = RETRY_MAX_ATTEMPTS, retry_mode: str = "adaptive"
) -> Config:
    """botocore settings every client shares (adaptive retries, a pool wide enough for attaching)."""
    return Config(
        retries={"mode": retry_mode, "max_attempts": max_attempts},
        max_pool_connections=MAX_POOL_CONNECTIONS,
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        user_agent_extra=f"ssm-tui/{__version__}",
    )


def setup_error_from(
    exc: BaseException, *, profile: str | None = None, endpoint_url: str | None = None
) -> AwsSetupError | None:
    """Translate a botocore exception that means "cannot use AWS at all" into AwsSetupError.

    Returns None for anything else (AccessDenied on one call, throttling...): callers handle those.
    """
    who = f"profile {profile!r}" if profile else "the default credential chain"
    if isinstance(exc, bx.ProfileNotFound):
        return AwsSetupError(
            f"AWS profile {exc.kwargs.get('profile', profile)!r} not found in the AWS config "
            "(check --profile / AWS_PROFILE, or run `aws configure list-profiles`)"
        )
    if isinstance(
        exc, bx.UnauthorizedSSOTokenError | bx.SSOTokenLoadError | bx.TokenRetrievalError
    ):
        name = profile or os.environ.get("AWS_PROFILE") or "<profile>"
        return AwsSetupError(
            f"the SSO session for {who} has expired or is missing: run `aws sso login --profile {name}`"
        )
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return AwsSetupError(
            f"no AWS credentials found for {who}: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            "use --profile, or try the emulator with --demo"
        )
    if isinstance(exc, bx.CredentialRetrievalError):
        return AwsSetupError(f"could not load AWS credentials for {who}: {exc}")
    if isinstance(
        exc, ResponseParserError
    ):  # something answered, but not AWS (wrong URL, proxy page)
        where = endpoint_url or "the AWS endpoint"
        return AwsSetupError(f"{where} did not answer like AWS (check --endpoint-url or a proxy)")
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError):
        where = endpoint_url or exc.kwargs.get("endpoint_url", "the AWS endpoint")
        return AwsSetupError(
            f"cannot reach the AWS endpoint {where} (check --endpoint-url, the network or a proxy)"
        )
    if isinstance(exc, bx.ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _CREDENTIALS_REJECTED:
            return AwsSetupError(
                f"AWS rejected the credentials of {who} ({code}): refresh or replace them"
            )
    return None


class AwsContext:
    """Everything needed to call AWS for one run: session, region, endpoint, shared clients."""

    def __init__(
        self,
        session: boto3.Session,
        *,
        region: str,
        endpoint_url: str | None = None,
        read_only: bool = False,
        profile_name: str | None = None,
    ) -> None:
        self._session = session
        self.region = region
        self.endpoint_url = endpoint_url
        self.read_only = read_only
        self.profile_name = profile_name
        self._clients: dict[tuple[str, int, str], Any] = {}
        self._lock = threading.Lock()
        self._identity: CallerIdentity | None = None

    @classmethod
    def from_config(cls, config: AppConfig) -> AwsContext:
        """Build the session from the standard credential chain; raise AwsSetupError on bad setup.

        Credentials are resolved lazily by botocore; `identity()` is the call that proves them.
        """
        try:
            session = boto3.Session(profile_name=config.profile)
        except bx.BotoCoreError as exc:
            raise setup_error_from(exc, profile=config.profile) or AwsSetupError(str(exc)) from None
        region = config.region or session.region_name or DEFAULT_REGION
        endpoint_url = config.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        return cls(
            session,
            region=region,
            endpoint_url=endpoint_url,
            read_only=config.read_only,
            profile_name=config.profile or os.environ.get("AWS_PROFILE") or None,
        )

    def client(
        self,
        service_name: str,
        *,
        max_attempts: int = RETRY_MAX_ATTEMPTS,
        retry_mode: str = "adaptive",
    ) -> Any:
        """The shared client for `service_name` (thread-safe; created on first use).

        `max_attempts` gives a separate client with fewer retries, for calls whose failure is
        only cosmetic (e.g. SSM status), so an unavailable API does not stall a listing.
        `retry_mode="standard"` with `max_attempts=0` is the attacher's client: it retries and
        rate-limits itself (token bucket, injectable clock), so botocore's adaptive limiter,
        which sleeps in real time, must stay out of the way.
        """
        key = (service_name, max_attempts, retry_mode)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                try:
                    client = self._session.client(
                        service_name,
                        region_name=self.region,
                        endpoint_url=self.endpoint_url,
                        config=client_config(max_attempts=max_attempts, retry_mode=retry_mode),
                    )
                except bx.BotoCoreError as exc:
                    raise self.setup_error(exc) or AwsSetupError(str(exc)) from None
                if self.read_only:
                    from ssm_tui.aws.read_only import install_read_only_guard

                    install_read_only_guard(client)
                self._clients[key] = client
        return client

    def setup_error(self, exc: BaseException) -> AwsSetupError | None:
        """`setup_error_from` with this context's profile and endpoint filled in."""
        return setup_error_from(exc, profile=self.profile_name, endpoint_url=self.endpoint_url)

    def identity(self) -> CallerIdentity:
        """The caller's account, ARN and partition (sts:GetCallerIdentity, cached).

        Uses a two-attempt client: an unreachable endpoint should fail in seconds, not after
        ten adaptive back-offs.
        """
        if self._identity is not None:
            return self._identity
        try:
            reply = self.client("sts", max_attempts=1).get_caller_identity()
        except KeyError:  # botocore's parser on a 200 page that is not an AWS response
            raise AwsSetupError(
                f"{self._where()} did not answer like AWS (check --endpoint-url or a proxy)"
            ) from None
        except (bx.BotoCoreError, bx.ClientError, ResponseParserError) as exc:
            error = self.setup_error(exc) or self._not_aws(exc)
            if error is None:
                raise
            raise error from None
        arn = reply.get("Arn")
        if not arn or not reply.get("Account"):  # a 200 page from something else
            raise AwsSetupError(
                f"{self._where()} did not answer like AWS (check --endpoint-url or a proxy)"
            )
        self._identity = CallerIdentity(
            account_id=reply["Account"], arn=arn, partition=arn.split(":")[1]
        )
        return self._identity

    def _where(self) -> str:
        return self.endpoint_url or "the AWS endpoint"

    def _not_aws(self, exc: BaseException) -> AwsSetupError | None:
        """The identity probe got an HTTP status with no AWS error body: not an AWS endpoint.

        Only for the probe: on a listing, a bare 500 is one unavailable API (stock moto's
        DescribeInstanceInformation), not a broken setup.
        """
        if isinstance(exc, bx.ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code.isdigit():
                return AwsSetupError(
                    f"{self._where()} did not answer like AWS (HTTP {code}; check --endpoint-url or a proxy)"
                )
        return None

    def describe(self) -> str:
        """One line saying where the app is pointed, for status bars and headless output."""
        parts = [
            f"region {self.region}",
            f"endpoint {self.endpoint_url}" if self.endpoint_url else "AWS",
        ]
        if self.profile_name:
            parts.insert(0, f"profile {self.profile_name}")
        if self.read_only:
            parts.append("read-only")
        return ", ".join(parts)
