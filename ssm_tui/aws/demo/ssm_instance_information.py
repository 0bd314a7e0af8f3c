"""`ssm:DescribeInstanceInformation` for moto (5.2.5 answers it with HTTP 500).

Written as one self-contained unit that could be offered upstream: it adds a method to moto's
SSM responder (which dispatches by action name) and derives the managed instances from moto's
own EC2 and IAM state, the way the real agent ends up registered:

    a *running* instance whose associated instance profile's role grants
    ssm:UpdateInstanceInformation and the four ssmmessages actions is reported "Online";
    every other instance is absent (not managed).

An optional "agent registration" delay (`set_agent_delay()` or the env var
SSM_TUI_DEMO_AGENT_DELAY, in seconds) keeps a newly associated instance absent for a while,
so "attach → the instance comes online" can be watched in the demo. The clock starts when
the profile is associated (or replaced); `mark_all_registered()` makes current associations
count as registered long ago (the seeded fleet).

Supported: `Filters` (InstanceIds, PingStatus, PlatformTypes, ResourceType),
`InstanceInformationFilterList` (instanceIds, pingStatus, platformTypes, resourceType),
`MaxResults` (5..50) / `NextToken` pagination in instance-id order.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from ssm_tui.policy.readiness import missing_session_manager_actions

AGENT_DELAY_ENV = "SSM_TUI_DEMO_AGENT_DELAY"
AGENT_VERSION = "3.3.1957.0"
_REGISTERED_AT = "_ssm_tui_agent_clock"  # attribute stamped on moto's association objects

_agent_delay: float | None = None  # None: read the env var on each request
_installed = False
_install_lock = threading.Lock()


def set_agent_delay(seconds: float | None) -> None:
    """Seconds between associating an SSM-ready profile and the instance showing Online.

    None goes back to the env var (default 0).
    """
    global _agent_delay
    _agent_delay = seconds


def agent_delay() -> float:
    if _agent_delay is not None:
        return _agent_delay
    try:
        return max(0.0, float(os.environ.get(AGENT_DELAY_ENV, "0") or 0))
    except ValueError:
        return 0.0


# -- deriving managed instances from EC2 + IAM state ------------------------------------------------
def _documents_of(role: Any) -> list[dict]:
    """Inline and managed (default version) policy documents of a moto IAM role."""
    raw: list[Any] = list(role.policies.values())
    for policy in role.managed_policies.values():
        default = next((v for v in policy.versions if v.is_default), None)
        if default is not None:
            raw.append(default.document)
    documents = []
    for document in raw:
        if isinstance(document, str):
            try:
                document = json.loads(
                    unquote(document) if document.lstrip().startswith("%") else document
                )
            except ValueError:
                continue
        if isinstance(document, dict):
            documents.append(document)
    return documents


def _profile_grants_agent(iam_backend: Any, profile_name: str) -> bool:
    from moto.iam.exceptions import NotFoundException

    try:
        profile = iam_backend.get_instance_profile(profile_name)
    except NotFoundException:  # deleted since it was associated
        return False
    for stale_role in profile.roles:
        try:
            role = iam_backend.get_role(stale_role.name)
        except NotFoundException:  # the profile still names a deleted role
            continue
        if not missing_session_manager_actions(_documents_of(role)):
            return True
    return False


def _registered(association: Any, now: float, delay: float) -> bool:
    started = getattr(association, _REGISTERED_AT, None)
    if started is None:  # associated before install(): treat as registered long ago
        return True
    return now - started >= delay


def _platform(instance: Any) -> tuple[str, str, str]:
    if (getattr(instance, "platform", None) or "").lower() == "windows":
        return "Windows", "Microsoft Windows Server 2022 Datacenter", "10.0.20348"
    return "Linux", "Amazon Linux", "2023"


def managed_instances(account_id: str, region: str) -> list[dict[str, Any]]:
    """InstanceInformation entries for the instances the agent would have registered."""
    from moto.ec2.models import ec2_backends
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    ec2_backend = ec2_backends[account_id][region]
    iam_backend = iam_backends[account_id][get_partition(region)]
    now, delay = time.monotonic(), agent_delay()
    grants: dict[str, bool] = {}
    entries = []
    for instance_id, association in list(ec2_backend.iam_instance_profile_associations.items()):
        instance = association.instance
        if (
            instance is None
            or instance.state != "running"
            or not _registered(association, now, delay)
        ):
            continue
        profile_name = association.iam_instance_profile.name
        if profile_name not in grants:
            grants[profile_name] = _profile_grants_agent(iam_backend, profile_name)
        if not grants[profile_name]:
            continue
        platform_type, platform_name, platform_version = _platform(instance)
        ip = instance.private_ip
        entries.append(
            {
                "InstanceId": instance_id,
                "PingStatus": "Online",
                "LastPingDateTime": datetime.now(UTC),
                "AgentVersion": AGENT_VERSION,
                "IsLatestVersion": True,
                "PlatformType": platform_type,
                "PlatformName": platform_name,
                "PlatformVersion": platform_version,
                "ResourceType": "EC2Instance",
                "IPAddress": ip,
                "ComputerName": f"ip-{ip.replace('.', '-')}.ec2.internal" if ip else instance_id,
                "SourceId": instance_id,
                "SourceType": "AWS::EC2::Instance",
                "AssociationStatus": "Success",
            }
        )
    entries.sort(key=lambda e: e["InstanceId"])
    return entries


# -- filters and pagination -----------------------------------------------------------------------
_REQUEST_KEYS = ("Filters", "InstanceInformationFilterList", "MaxResults", "NextToken")
_FILTER_FIELDS = {
    "instanceids": "InstanceId",
    "pingstatus": "PingStatus",
    "platformtypes": "PlatformType",
    "resourcetype": "ResourceType",
}


def _filters(params: dict[str, Any]) -> list[tuple[str, set[str]]]:
    from moto.ssm.exceptions import InvalidFilterKey, ValidationException

    if params.get("Filters") and params.get("InstanceInformationFilterList"):
        raise ValidationException(
            "Filters and InstanceInformationFilterList cannot be used together"
        )
    pairs: list[tuple[str, Iterable[str]]] = [
        (f["Key"], f.get("Values", [])) for f in params.get("Filters") or []
    ]
    pairs += [
        (f["key"], f.get("valueSet", [])) for f in params.get("InstanceInformationFilterList") or []
    ]
    result = []
    for key, values in pairs:
        field = _FILTER_FIELDS.get(key.lower())
        if field is None:
            raise InvalidFilterKey(f"The filter key {key} is not supported by this emulator")
        result.append((field, set(values)))
    return result


def describe_instance_information(
    account_id: str, region: str, params: dict[str, Any]
) -> dict[str, Any]:
    """The DescribeInstanceInformation result for request `params` (botocore shape)."""
    from moto.ssm.exceptions import ValidationException

    entries = managed_instances(account_id, region)
    for field, wanted in _filters(params):
        entries = [e for e in entries if e[field] in wanted]
    max_results = int(params.get("MaxResults") or 50)
    if not 5 <= max_results <= 50:
        raise ValidationException("MaxResults must be between 5 and 50")
    token = params.get("NextToken")
    start = 0
    if token:
        try:
            start = int(token)
        except ValueError:
            raise ValidationException(f"The NextToken {token!r} is not valid") from None
    page = entries[start : start + max_results]
    result: dict[str, Any] = {"InstanceInformationList": page}
    if start + max_results < len(entries):
        result["NextToken"] = str(start + max_results)
    return result


# -- wiring into moto ------------------------------------------------------------------------------
def _stamp_association_clock(method: Any) -> Any:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        association = method(self, *args, **kwargs)
        setattr(association, _REGISTERED_AT, time.monotonic())
        return association

    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    return wrapper


def mark_all_registered() -> None:
    """Every current association counts as registered long ago (no delay for a seeded fleet)."""
    from moto.ec2.models import ec2_backends

    for account_backends in list(ec2_backends.values()):
        for backend in list(account_backends.values()):
            for association in list(
                getattr(backend, "iam_instance_profile_associations", {}).values()
            ):
                setattr(association, _REGISTERED_AT, float("-inf"))


def install() -> None:
    """Patch moto in this process (idempotent): the SSM action and the association clock."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from moto.core.responses import ActionResult
        from moto.ec2.models.iam_instance_profile import IamInstanceProfileAssociationBackend
        from moto.ssm.responses import SimpleSystemManagerResponse

        def describe_instance_information_action(self: Any) -> ActionResult:
            params = {key: self._get_param(key) for key in _REQUEST_KEYS}
            return ActionResult(
                describe_instance_information(self.current_account, self.region, params)
            )

        SimpleSystemManagerResponse.describe_instance_information = (
            describe_instance_information_action  # type: ignore[attr-defined]
        )
        for name in ("associate_iam_instance_profile", "replace_iam_instance_profile_association"):
            original = getattr(IamInstanceProfileAssociationBackend, name)
            setattr(IamInstanceProfileAssociationBackend, name, _stamp_association_clock(original))
        _installed = True
