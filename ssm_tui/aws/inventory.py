"""Read the fleet and the pickers' data from AWS into plain dataclasses.

Every listing is fully paginated with botocore's paginators (real AWS pages even where the
emulator does not). A listing that is denied returns `Listing(error="not permitted: svc:Op")`
so the other listings, and the app, keep working. Setup failures (no credentials, unreachable
endpoint) raise `AwsSetupError`: no listing can work then.

Independent calls run on a small thread pool; the shared clients are thread-safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore import exceptions as bx

from ssm_tui.aws.listing_calls import (
    ListingFailed,
    call,
    map_parallel,
    pages,
    run_parallel,
    tags_dict,
)
from ssm_tui.aws.models import (
    UNKNOWN,
    Bucket,
    Instance,
    InstanceProfile,
    KmsKey,
    Listing,
    LogGroup,
    ProfileAssociation,
    SsmStatus,
)
from ssm_tui.aws.role_inventory import list_roles, trusted_services  # noqa: F401 (re-exported)
from ssm_tui.aws.session import AwsContext

NOT_MANAGED = "not managed"  # SSM has no record of the instance (agent absent, or no permissions)
SSM_IDS_PER_CALL = 50  # DescribeInstanceInformation accepts at most 50 ids per filter
SSM_STATUS_MAX_ATTEMPTS = 1  # the status is cosmetic: an unavailable API must not stall a listing
EC2_PAGE_SIZE = 1000  # the API maximum: fewer round trips on large fleets

# Association states, best first: which association describes the instance's profile now.
_ASSOCIATION_RANK = {"associated": 0, "associating": 1, "disassociating": 2}


# -- instances ------------------------------------------------------------------------------------
def _associations(ctx: AwsContext) -> dict[str, ProfileAssociation] | None:
    """Current profile association per instance id, or None when the call is not permitted."""
    ec2 = ctx.client("ec2")
    best: dict[str, ProfileAssociation] = {}
    try:
        for page in pages(
            ctx,
            ec2,
            "describe_iam_instance_profile_associations",
            PaginationConfig={"PageSize": EC2_PAGE_SIZE},
        ):
            for raw in page.get("IamInstanceProfileAssociations", []):
                state = raw.get("State", UNKNOWN)
                if state not in _ASSOCIATION_RANK:
                    continue
                association = ProfileAssociation(
                    association_id=raw["AssociationId"],
                    profile_arn=raw.get("IamInstanceProfile", {}).get("Arn", ""),
                    state=state,
                )
                current = best.get(raw["InstanceId"])
                if current is None or _ASSOCIATION_RANK[state] < _ASSOCIATION_RANK[current.state]:
                    best[raw["InstanceId"]] = association
    except ListingFailed:
        return None
    return best


def ssm_status_client(ctx: AwsContext) -> Any:
    """The SSM client status reads use (few retries): inject faults into this one in tests."""
    return ctx.client("ssm", max_attempts=SSM_STATUS_MAX_ATTEMPTS)


def _describe_instance_information(
    ctx: AwsContext, instance_ids: list[str] | None
) -> dict[str, SsmStatus] | None:
    """Managed instances' agent status, or None when the call is denied or unavailable."""
    ssm = ssm_status_client(ctx)
    if instance_ids is not None and not instance_ids:
        return {}
    chunks: list[list[str] | None] = (
        [None]
        if instance_ids is None
        else [
            instance_ids[i : i + SSM_IDS_PER_CALL]
            for i in range(0, len(instance_ids), SSM_IDS_PER_CALL)
        ]
    )
    statuses: dict[str, SsmStatus] = {}
    try:
        for chunk in chunks:
            kwargs: dict[str, Any] = {"PaginationConfig": {"PageSize": 50}}
            if chunk is not None:
                kwargs["Filters"] = [{"Key": "InstanceIds", "Values": chunk}]
            for page in pages(ctx, ssm, "describe_instance_information", **kwargs):
                for raw in page.get("InstanceInformationList", []):
                    statuses[raw["InstanceId"]] = SsmStatus(
                        ping_status=raw.get("PingStatus", UNKNOWN),
                        agent_version=raw.get("AgentVersion"),
                        last_ping=raw.get("LastPingDateTime"),
                    )
    except ListingFailed:
        return None
    return statuses


def get_ssm_statuses(
    ctx: AwsContext, instance_ids: Iterable[str] | None = None
) -> dict[str, SsmStatus]:
    """SSM agent status per instance (the provisioning engine polls this after attaching).

    With `instance_ids`, every id gets an entry: its status, "not managed" when SSM has no
    record, or "unknown" when the call is denied/unavailable. Without, only managed instances
    are returned (nothing when the call fails).
    """
    ids = None if instance_ids is None else list(dict.fromkeys(instance_ids))
    found = _describe_instance_information(ctx, ids)
    if ids is None:
        return found or {}
    if found is None:
        return {instance_id: SsmStatus(ping_status=UNKNOWN) for instance_id in ids}
    return {
        instance_id: found.get(instance_id, SsmStatus(ping_status=NOT_MANAGED))
        for instance_id in ids
    }


def _instance_from(
    raw: dict[str, Any], association: ProfileAssociation | None, ssm: SsmStatus
) -> Instance:
    tags = tags_dict(raw.get("Tags"))
    platform = raw.get("PlatformDetails") or (
        "Windows" if raw.get("Platform") == "windows" else "Linux/UNIX"
    )
    return Instance(
        instance_id=raw["InstanceId"],
        name=tags.get("Name", ""),
        state=raw.get("State", {}).get("Name", UNKNOWN),
        instance_type=raw.get("InstanceType", ""),
        platform=platform,
        private_ip=raw.get("PrivateIpAddress"),
        vpc_id=raw.get("VpcId"),
        subnet_id=raw.get("SubnetId"),
        launch_time=raw.get("LaunchTime"),
        tags=tags,
        association=association,
        ssm=ssm,
    )


def _fallback_association(raw: dict[str, Any]) -> ProfileAssociation | None:
    """When associations are not readable, DescribeInstances still names the profile."""
    profile = raw.get("IamInstanceProfile")
    if not profile:
        return None
    return ProfileAssociation(association_id="", profile_arn=profile.get("Arn", ""), state=UNKNOWN)


def list_instances(ctx: AwsContext) -> Listing[Instance]:
    """EC2 instances (not terminated) with their profile association and SSM agent status.

    Three independent, paginated calls run at once: DescribeInstances,
    DescribeIamInstanceProfileAssociations and ssm:DescribeInstanceInformation.
    """
    ec2 = ctx.client("ec2")

    def describe_instances() -> list[dict[str, Any]]:
        return [
            raw
            for page in pages(
                ctx, ec2, "describe_instances", PaginationConfig={"PageSize": EC2_PAGE_SIZE}
            )
            for reservation in page.get("Reservations", [])
            for raw in reservation.get("Instances", [])
        ]

    try:
        raws, associations, statuses = run_parallel(
            describe_instances,
            lambda: _associations(ctx),
            lambda: _describe_instance_information(ctx, None),
        )
    except ListingFailed as failure:
        return Listing(error=failure.message)
    instances = []
    for raw in raws:
        if raw.get("State", {}).get("Name") == "terminated":
            continue
        instance_id = raw["InstanceId"]
        association = (
            associations.get(instance_id)
            if associations is not None
            else _fallback_association(raw)
        )
        if statuses is None:
            ssm = SsmStatus(ping_status=UNKNOWN)
        else:
            ssm = statuses.get(instance_id, SsmStatus(ping_status=NOT_MANAGED))
        instances.append(_instance_from(raw, association, ssm))
    instances.sort(key=lambda i: (i.name or "~", i.instance_id))
    return Listing(items=tuple(instances))


# -- pickers --------------------------------------------------------------------------------------
def list_instance_profiles(ctx: AwsContext) -> Listing[InstanceProfile]:
    iam = ctx.client("iam")
    try:
        profiles = [
            InstanceProfile(
                name=raw["InstanceProfileName"],
                arn=raw["Arn"],
                role_names=tuple(r["RoleName"] for r in raw.get("Roles", [])),
                tags=tags_dict(raw.get("Tags")),
            )
            for page in pages(ctx, iam, "list_instance_profiles")
            for raw in page.get("InstanceProfiles", [])
        ]
    except ListingFailed as failure:
        return Listing(error=failure.message)
    return Listing(items=tuple(sorted(profiles, key=lambda p: p.name.lower())))


def list_kms_keys(ctx: AwsContext) -> Listing[KmsKey]:
    """Customer-managed symmetric keys (what Session Manager encryption accepts), with aliases."""
    kms = ctx.client("kms")
    try:
        key_ids, aliases = run_parallel(
            lambda: [
                k["KeyId"] for page in pages(ctx, kms, "list_keys") for k in page.get("Keys", [])
            ],
            lambda: [
                a for page in pages(ctx, kms, "list_aliases") for a in page.get("Aliases", [])
            ],
        )
    except ListingFailed as failure:
        return Listing(error=failure.message)
    aliases_by_key: dict[str, list[str]] = {}
    for alias in aliases:
        if alias.get("TargetKeyId"):
            aliases_by_key.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])

    def describe(key_id: str) -> KmsKey | None:
        try:
            meta = call(ctx, kms, "describe_key", KeyId=key_id)["KeyMetadata"]
        except ListingFailed:  # the key policy may hide one key; keep the others
            return KmsKey(
                key_id=key_id, arn="", aliases=tuple(sorted(aliases_by_key.get(key_id, [])))
            )
        if meta.get("KeyManager") == "AWS" or meta.get("KeyState") not in ("Enabled", "Disabled"):
            return None
        if meta.get("KeySpec", meta.get("CustomerMasterKeySpec")) not in (
            None,
            "SYMMETRIC_DEFAULT",
        ):
            return None
        return KmsKey(
            key_id=key_id,
            arn=meta["Arn"],
            aliases=tuple(sorted(aliases_by_key.get(key_id, []))),
            description=meta.get("Description", ""),
            enabled=meta.get("KeyState") == "Enabled",
        )

    keys = [key for key in map_parallel(describe, key_ids) if key is not None]
    return Listing(items=tuple(sorted(keys, key=lambda k: (k.aliases[:1] or ("~",), k.key_id))))


def _bucket_encryption(ctx: AwsContext, name: str, region: str | None) -> Bucket:
    s3 = ctx.client("s3")
    try:
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    except bx.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code == "ServerSideEncryptionConfigurationNotFoundError":
            return Bucket(name=name, region=region, default_encryption="none")
        return Bucket(name=name, region=region, default_encryption=UNKNOWN)
    except bx.BotoCoreError as exc:
        setup = ctx.setup_error(exc)
        if setup is not None:
            raise setup from None
        return Bucket(name=name, region=region, default_encryption=UNKNOWN)
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    return Bucket(
        name=name,
        region=region,
        default_encryption=default.get("SSEAlgorithm", "none"),
        kms_key_arn=default.get("KMSMasterKeyID"),
    )


def list_buckets(ctx: AwsContext) -> Listing[Bucket]:
    """S3 buckets with their default encryption ("aws:kms", "AES256", "none" or unknown)."""
    s3 = ctx.client("s3")
    try:
        raws = [raw for page in pages(ctx, s3, "list_buckets") for raw in page.get("Buckets", [])]
    except ListingFailed as failure:
        return Listing(error=failure.message)
    buckets = map_parallel(
        lambda raw: _bucket_encryption(ctx, raw["Name"], raw.get("BucketRegion")), raws
    )
    return Listing(items=tuple(sorted(buckets, key=lambda b: b.name)))


def list_log_groups(ctx: AwsContext) -> Listing[LogGroup]:
    logs = ctx.client("logs")
    try:
        groups = [
            LogGroup(
                name=raw["logGroupName"],
                arn=raw.get("arn", "").removesuffix(":*"),
                kms_key_arn=raw.get("kmsKeyId"),
            )
            for page in pages(ctx, logs, "describe_log_groups")
            for raw in page.get("logGroups", [])
        ]
    except ListingFailed as failure:
        return Listing(error=failure.message)
    return Listing(items=tuple(sorted(groups, key=lambda g: g.name)))
