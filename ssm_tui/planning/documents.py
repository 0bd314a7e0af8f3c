"""Comparing IAM policy documents by meaning, not by bytes.

A new policy version is created only when the document *means* something different: IAM
reorders keys, turns one-element lists into strings and back, and Sids carry no permission.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

_LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource")


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[union-attr]


def _statements(document: Mapping[str, object] | None) -> list[Mapping[str, object]]:
    if not document:
        return []
    statements = document.get("Statement", [])
    if isinstance(statements, Mapping):
        return [statements]
    return [s for s in statements if isinstance(s, Mapping)]  # type: ignore[union-attr]


def _canonical_principal(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: sorted(_as_list(v)) for k, v in sorted(value.items())}
    return value


def _canonical_statement(statement: Mapping[str, object]) -> str:
    canonical: dict[str, object] = {"Effect": statement.get("Effect")}
    for key in _LIST_KEYS:
        if key in statement:
            values = _as_list(statement[key])
            if key.endswith("Action"):
                values = [v.lower() for v in values]  # action names are case-insensitive
            canonical[key] = sorted(set(values))
    for key in ("Principal", "NotPrincipal"):
        if key in statement:
            canonical[key] = _canonical_principal(statement[key])
    if "Condition" in statement:
        condition = statement["Condition"]
        if isinstance(condition, Mapping):
            canonical["Condition"] = {
                op: {k: sorted(_as_list(v)) for k, v in sorted(body.items())}
                if isinstance(body, Mapping)
                else body
                for op, body in sorted(condition.items())
            }
    return json.dumps(canonical, sort_keys=True)


def canonical_document(document: Mapping[str, object] | None) -> tuple[str, ...]:
    """A hashable form in which equal meanings compare equal (Sid and ordering ignored)."""
    return tuple(sorted({_canonical_statement(s) for s in _statements(document)}))


def documents_equal(a: Mapping[str, object] | None, b: Mapping[str, object] | None) -> bool:
    return canonical_document(a) == canonical_document(b)


def trusts_service(trust_document: Mapping[str, object] | None, service: str) -> bool:
    """True when an unconditional Allow lets `service` call sts:AssumeRole."""
    for statement in _statements(trust_document):
        if statement.get("Effect") != "Allow" or "Condition" in statement:
            continue
        actions = [a.lower() for a in _as_list(statement.get("Action"))]
        if not any(fnmatchcase("sts:assumerole", a) for a in actions):
            continue
        principal = statement.get("Principal")
        if isinstance(principal, Mapping) and service in _as_list(principal.get("Service")):
            return True
    return False


def _pattern_covers(pattern: str, value: str, *, case_insensitive: bool) -> bool:
    if case_insensitive:
        return fnmatchcase(value.lower(), pattern.lower())
    return fnmatchcase(value, pattern)


def _grants(statement: Mapping[str, object], action: str, resource: str) -> bool:
    """Does one unconditional Allow statement grant `action` on `resource`?"""
    if statement.get("Effect") != "Allow" or "Condition" in statement:
        return False
    if "NotAction" in statement:
        if any(
            _pattern_covers(p, action, case_insensitive=True)
            for p in _as_list(statement["NotAction"])
        ):
            return False
    elif not any(
        _pattern_covers(p, action, case_insensitive=True) for p in _as_list(statement.get("Action"))
    ):
        return False
    if "NotResource" in statement:
        return not any(
            _pattern_covers(p, resource, case_insensitive=False)
            for p in _as_list(statement["NotResource"])
        )
    return any(
        _pattern_covers(p, resource, case_insensitive=False)
        for p in _as_list(statement.get("Resource"))
    )


def _denied(statements: list[Mapping[str, object]], action: str, resource: str) -> bool:
    for statement in statements:
        if statement.get("Effect") != "Deny" or "Condition" in statement:
            continue
        flipped = dict(statement)
        flipped["Effect"] = "Allow"
        if _grants(flipped, action, resource):
            return True
    return False


def uncovered_document(
    desired: Mapping[str, object], existing: Iterable[Mapping[str, object]]
) -> dict | None:
    """The part of `desired` that the `existing` documents do not already grant, or None if all is granted.

    Used when attaching to a role picked on the Roles tab: we attach only what is missing, never
    a second copy of a permission the role already has. Conditional statements in `desired`
    are kept whole (we cannot prove a conditional grant is covered).
    """
    existing_statements = [s for doc in existing for s in _statements(doc)]
    kept: list[dict] = []
    for statement in _statements(desired):
        if (
            statement.get("Effect") != "Allow"
            or "Condition" in statement
            or "NotAction" in statement
            or "NotResource" in statement
        ):
            kept.append(dict(statement))
            continue
        actions = _as_list(statement.get("Action"))
        resources = _as_list(statement.get("Resource"))
        missing_actions = [
            a
            for a in actions
            if not all(
                any(_grants(s, a, r) for s in existing_statements)
                and not _denied(existing_statements, a, r)
                for r in resources
            )
        ]
        if missing_actions:
            trimmed = dict(statement)
            trimmed["Action"] = missing_actions if len(missing_actions) > 1 else missing_actions[0]
            kept.append(trimmed)
    if not kept:
        return None
    return {"Version": desired.get("Version", "2012-10-17"), "Statement": kept}
