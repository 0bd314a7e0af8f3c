"""Read the AWS state the planner compares against (policy, role, profile, instances).

Only Get/List/Describe calls: safe under `--read-only`. Missing resources become `None` in
the snapshot; any other error propagates (the plan must not be computed on a guess).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from ssm_tui.aws.session import AwsContext
from ssm_tui.planning.state import (
    MANAGED_TAG_KEY,
    CurrentState,
    DesiredState,
    Grant,
    InstanceSnapshot,
    PolicySnapshot,
    PolicyVersion,
    ProfileSnapshot,
    RoleSnapshot,
)

_INSTANCE_CHUNK = 200  # filter values per DescribeInstances call


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code", "")
    return type(exc).__name__


def _managed(tags: Iterable[dict] | None) -> bool:
    return any(t.get("Key") == MANAGED_TAG_KEY for t in tags or ())


def _missing(exc: ClientError) -> bool:
    return error_code(exc) == "NoSuchEntity"


def read_policy(iam: Any, arn: str) -> PolicySnapshot | None:
    try:
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
    except ClientError as exc:
        if _missing(exc):
            return None
        raise
    versions = []
    for page in iam.get_paginator("list_policy_versions").paginate(PolicyArn=arn):
        for v in page["Versions"]:
            versions.append(
                PolicyVersion(v["VersionId"], bool(v["IsDefaultVersion"]), str(v["CreateDate"]))
            )
    default_id = policy["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=default_id)["PolicyVersion"][
        "Document"
    ]
    tags = policy.get("Tags")
    if tags is None:
        tags = iam.list_policy_tags(PolicyArn=arn).get("Tags", [])
    return PolicySnapshot(
        arn=arn,
        default_document=document,
        default_version_id=default_id,
        versions=tuple(versions),
        managed=_managed(tags),
        attachment_count=int(policy.get("AttachmentCount", 0)),
    )


def _managed_policy_document(iam: Any, arn: str) -> dict | None:
    """The default version of a managed policy, or None when it cannot be read (denied, not loaded)."""
    try:
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    except ClientError:
        return None


def read_role(iam: Any, role_name: str, *, with_documents: bool) -> RoleSnapshot | None:
    """The role with its attached policies; `with_documents` also reads every policy's document."""
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except ClientError as exc:
        if _missing(exc):
            return None
        raise
    attached = [
        p
        for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name)
        for p in page["AttachedPolicies"]
    ]
    inline_names = [
        n
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name)
        for n in page["PolicyNames"]
    ]
    profiles = [
        p["InstanceProfileName"]
        for page in iam.get_paginator("list_instance_profiles_for_role").paginate(
            RoleName=role_name
        )
        for p in page["InstanceProfiles"]
    ]
    grants: list[Grant] = []
    if with_documents:
        for p in attached:
            grants.append(
                Grant(
                    p["PolicyName"],
                    "managed",
                    p["PolicyArn"],
                    _managed_policy_document(iam, p["PolicyArn"]),
                )
            )
        for name in inline_names:
            document = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
            grants.append(Grant(name, "inline", None, document))
    return RoleSnapshot(
        name=role_name,
        arn=role["Arn"],
        trust_document=role.get("AssumeRolePolicyDocument"),
        attached_policy_arns=tuple(p["PolicyArn"] for p in attached),
        attached_policy_names=tuple(p["PolicyName"] for p in attached),
        grants=tuple(grants),
        inline_policy_names=tuple(inline_names),
        instance_profile_names=tuple(profiles),
        managed=_managed(role.get("Tags")),
    )


def read_profile(iam: Any, profile_name: str) -> ProfileSnapshot | None:
    try:
        profile = iam.get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]
    except ClientError as exc:
        if _missing(exc):
            return None
        raise
    return ProfileSnapshot(
        name=profile_name,
        arn=profile["Arn"],
        role_names=tuple(r["RoleName"] for r in profile.get("Roles", [])),
        managed=_managed(profile.get("Tags")),
    )


def live_association(ec2: Any, instance_id: str) -> dict | None:
    """The instance's association that holds or is taking a profile (not one being removed)."""
    reply = ec2.describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": [instance_id]}]
    )
    live = [a for a in reply["IamInstanceProfileAssociations"] if a["State"] in ("associating", "associated")]
    return live[0] if live else None


def read_instances(ec2: Any, instance_ids: Iterable[str]) -> dict[str, InstanceSnapshot]:
    """State and live association of each instance that exists (unknown ids are simply absent)."""
    ids = list(dict.fromkeys(instance_ids))
    states: dict[str, str] = {}
    associations: dict[str, dict] = {}
    for start in range(0, len(ids), _INSTANCE_CHUNK):
        chunk = ids[start : start + _INSTANCE_CHUNK]
        filters = [{"Name": "instance-id", "Values": chunk}]
        for page in ec2.get_paginator("describe_instances").paginate(Filters=filters):
            for reservation in page["Reservations"]:
                for item in reservation["Instances"]:
                    states[item["InstanceId"]] = item["State"]["Name"]
        for page in ec2.get_paginator("describe_iam_instance_profile_associations").paginate(
            Filters=filters
        ):
            for assoc in page["IamInstanceProfileAssociations"]:
                if (
                    assoc["State"] in ("associating", "associated")
                    or assoc["InstanceId"] not in associations
                ):
                    associations[assoc["InstanceId"]] = assoc
    snapshots = {}
    for instance_id, state in states.items():
        assoc = associations.get(instance_id)
        snapshots[instance_id] = InstanceSnapshot(
            instance_id=instance_id,
            state=state,
            association_id=assoc["AssociationId"] if assoc else None,
            profile_arn=assoc["IamInstanceProfile"]["Arn"] if assoc else None,
            association_state=assoc["State"] if assoc else None,
        )
    return snapshots


def read_current_state(ctx: AwsContext, desired: DesiredState) -> CurrentState:
    """Everything `compute_plan` needs for `desired`, read with Get/List/Describe calls only."""
    identity = ctx.identity()
    iam = ctx.client("iam")
    snapshot = CurrentState(partition=identity.partition, account_id=identity.account_id)
    policy = read_policy(iam, snapshot.policy_arn(desired.policy_name))
    role = read_role(iam, desired.role_name, with_documents=desired.existing_role)
    profile = read_profile(iam, desired.profile_name)
    instances = (
        read_instances(ctx.client("ec2"), desired.instance_ids) if desired.instance_ids else {}
    )
    return CurrentState(
        partition=identity.partition,
        account_id=identity.account_id,
        policy=policy,
        role=role,
        profile=profile,
        instances=instances,
    )
