"""`--read-only`: refuse every mutating AWS call before it is signed or sent.

A `before-call` hook on each client is the one place every operation passes, so nothing in
the app (or a future module) can mutate by accident: the call raises `ReadOnlyViolation`.
"""

from __future__ import annotations

from typing import Any

READ_PREFIXES: tuple[str, ...] = ("Describe", "List", "Get", "Head", "BatchGet")

# Read-only operations whose names do not start with a read prefix.
READ_ONLY_OPERATIONS: frozenset[str] = frozenset(
    {
        "SimulatePrincipalPolicy",
        "SimulateCustomPolicy",
        "FilterLogEvents",
        "LookupEvents",
        "DecodeAuthorizationMessage",
        "ValidatePolicy",
    }
)


class ReadOnlyViolation(Exception):
    """A mutating call was attempted while the app runs with `--read-only`."""

    def __init__(self, service: str, operation: str) -> None:
        self.service = service
        self.operation = operation
        super().__init__(
            f"refused {service}:{operation}: ssm-tui runs with --read-only (no AWS changes)"
        )


def is_mutating(operation_name: str) -> bool:
    """True unless the operation only reads (Describe*/List*/Get*/Head* or the explicit allowlist)."""
    return not (operation_name.startswith(READ_PREFIXES) or operation_name in READ_ONLY_OPERATIONS)


def install_read_only_guard(client: Any) -> None:
    """Make `client` raise ReadOnlyViolation for every mutating operation (idempotent)."""
    if getattr(client, "_ssm_tui_read_only", False):
        return
    service = client.meta.service_model.endpoint_prefix
    service_id = client.meta.service_model.service_id.hyphenize()

    def refuse_mutations(model: Any, **_: Any) -> None:
        if is_mutating(model.name):
            raise ReadOnlyViolation(service, model.name)

    client.meta.events.register(f"before-call.{service_id}", refuse_mutations)
    client._ssm_tui_read_only = True  # marker only; botocore clients accept attributes
