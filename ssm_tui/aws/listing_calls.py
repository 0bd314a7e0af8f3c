"""Shared plumbing for the inventory listings: paginate, classify failures, run in parallel.

A failure becomes `ListingFailed` with the message the listing reports ("not permitted:
ec2:DescribeInstances"), except setup failures (no credentials, unreachable endpoint), which
are raised as `AwsSetupError` because no listing can work then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from botocore import exceptions as bx
from botocore.parsers import ResponseParserError

from ssm_tui.aws.session import AwsContext

T = TypeVar("T")

POOL_SIZE = 8

_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AllAccessDisabled",
    }
)


class ListingFailed(Exception):
    """Internal: a listing call failed in a way the listing reports instead of raising."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_access_denied(exc: BaseException) -> bool:
    return (
        isinstance(exc, bx.ClientError)
        and exc.response.get("Error", {}).get("Code") in _DENIED_CODES
    )


def service_of(client: Any) -> str:
    return client.meta.service_model.endpoint_prefix


def classify_failure(ctx: AwsContext, client: Any, exc: BaseException) -> ListingFailed:
    """Classify an exception from a listing call; re-raise setup errors as AwsSetupError."""
    setup = ctx.setup_error(exc)
    if setup is not None:
        raise setup from None
    if isinstance(exc, bx.ClientError):
        operation = exc.operation_name
        error = exc.response.get("Error", {})
        if is_access_denied(exc):
            return ListingFailed(f"not permitted: {service_of(client)}:{operation}")
        return ListingFailed(
            f"{service_of(client)}:{operation} failed: {error.get('Code', '?')}: {error.get('Message', '')}".rstrip(
                ": "
            )
        )
    return ListingFailed(f"{service_of(client)} call failed: {exc}")


def pages(ctx: AwsContext, client: Any, operation: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every page of a paginated call; failures become ListingFailed (or AwsSetupError)."""
    try:
        yield from client.get_paginator(operation).paginate(**kwargs)
    except (bx.ClientError, bx.BotoCoreError, ResponseParserError) as exc:
        raise classify_failure(ctx, client, exc) from None


def call(ctx: AwsContext, client: Any, operation: str, **kwargs: Any) -> dict[str, Any]:
    try:
        return getattr(client, operation)(**kwargs)
    except (bx.ClientError, bx.BotoCoreError, ResponseParserError) as exc:
        raise classify_failure(ctx, client, exc) from None


def run_parallel(*jobs: Callable[[], Any]) -> list[Any]:
    """Run independent jobs at once; results in order; exceptions (ListingFailed...) propagate."""
    if len(jobs) == 1:
        return [jobs[0]()]
    with ThreadPoolExecutor(max_workers=min(POOL_SIZE, len(jobs))) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]


def map_parallel(function: Callable[[T], Any], items: Iterable[T]) -> list[Any]:
    items = list(items)
    if len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(POOL_SIZE, len(items))) as pool:
        return list(pool.map(function, items))


def tags_dict(raw: Iterable[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in raw or ()}
