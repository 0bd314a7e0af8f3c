"""Does a set of policy documents already grant what Session Manager needs?

Pure: callers pass the documents (managed default versions + inline). Used to flag roles that
are ready, and to attach only what is missing to an existing role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

# The actions of the seed's minimal policy that the agent needs to register and open sessions.
SESSION_MANAGER_CORE_ACTIONS: tuple[str, ...] = (
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[union-attr]


def _matches(action: str, patterns: Iterable[str]) -> bool:
    # IAM action names are case-insensitive; wildcards are * and ?.
    return any(fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _statement_covers(statement: Mapping[str, object], action: str) -> bool:
    if "NotAction" in statement:
        return not _matches(action, _as_list(statement["NotAction"]))
    return _matches(action, _as_list(statement.get("Action")))


# ssm:UpdateInstanceInformation supports instance ARNs (the `scoped` style uses them); a pattern
# covering every instance of an account or partition grants it to any instance the profile is on.
_ALL_INSTANCES = re.compile(r"arn:(\*|aws[a-z-]*):ec2:[^:]*:[^:]*:instance/\*")
_ACTIONS_WITH_INSTANCE_RESOURCES = {"ssm:updateinstanceinformation"}


def _applies_to_any_resource(statement: Mapping[str, object], action: str) -> bool:
    """Grants the action on whatever instance carries the profile: `*`, NotResource, or (for
    actions with instance-level permissions) an ARN pattern covering all instances."""
    if "NotResource" in statement:
        return True
    resources = _as_list(statement.get("Resource"))
    if "*" in resources:
        return True
    return action.lower() in _ACTIONS_WITH_INSTANCE_RESOURCES and any(_ALL_INSTANCES.fullmatch(r) for r in resources)


def granted_actions(documents: Iterable[Mapping[str, object]], wanted: Iterable[str]) -> set[str]:
    """Return the subset of `wanted` that some Allow grants and no unconditional Deny removes.

    Statements with a Condition are treated as not granting (we cannot evaluate them) but a
    conditional Deny is ignored: the verdict errs on "missing", which only costs an extra grant.
    """
    wanted = list(wanted)
    allowed: set[str] = set()
    denied: set[str] = set()
    for document in documents:
        statements = document.get("Statement", [])
        if isinstance(statements, Mapping):
            statements = [statements]
        for statement in statements:  # type: ignore[union-attr]
            if not isinstance(statement, Mapping):
                continue
            effect = statement.get("Effect")
            for action in wanted:
                if not _statement_covers(statement, action):
                    continue
                if effect == "Allow" and "Condition" not in statement and _applies_to_any_resource(statement, action):
                    allowed.add(action)
                elif effect == "Deny" and "Condition" not in statement and _applies_to_any_resource(statement, action):
                    denied.add(action)
    return allowed - denied


def missing_session_manager_actions(
    documents: Iterable[Mapping[str, object]], required: Iterable[str] = SESSION_MANAGER_CORE_ACTIONS
) -> tuple[str, ...]:
    """The required actions the documents do not grant, in the order given (empty: ready)."""
    required = tuple(required)
    granted = granted_actions(list(documents), required)
    return tuple(a for a in required if a not in granted)
