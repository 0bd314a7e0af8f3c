"""Read the fleet and the pickers' data from AWS into plain dataclasses.

Every listing is fully paginated with botocore's paginators (real AWS pages even where the
emulator does not). A listing that is denied returns `Listing(error="not permitted: svc:Op")`
so the other listings, and the app, keep working. Setup failures (no credentials, unreachable
endpoint) raise `AwsSetupError`: no listing can work then.

Independent calls run on a small thread pool; the shared clients are thread-safe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from botocore import exceptions as bx

from ssm_tui.aws.models import (
    UNKNOWN,
    AttachedPolicy,
    Bucket,
    Instance,
    InstanceProfile,
    KmsKey,
    Listing,
    LogGroup,
    ProfileAssociation,
    Role,
    SsmStatus,
)
from ssm_tui.aws.session import AwsContext
from ssm_tui.policy.readiness import missing_session_manager_actions

T = TypeVar("T")

NOT_MANAGED = "not managed"  # SSM has no record of the instance (agent absent, or no permissions)
SSM_IDS_PER_CALL = 50  # DescribeInstanceInformation accepts at most 50 ids per filter
SSM_STATUS_MAX_ATTEMPTS = 1  # the status is cosmetic: an unavailable API must not stall a listing
POOL_SIZE = 8
EC2_PAGE_SIZE = 1000  # the API maximum: fewer round trips on large fleets

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
# Association states, best first: which association describes the instance's profile now.
_ASSOCIATION_RANK = {"associated": 0, "associating": 1, "disassociating": 2}


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


def _service_of(client: Any) -> str:
    return client.meta.service_model.endpoint_prefix


def _failure(ctx: AwsContext, client: Any, exc: BaseException) -> ListingFailed:
    """Classify an exception from a listing call; re-raise setup errors as AwsSetupError."""
    setup = ctx.setup_error(exc)
    if setup is not None:
        raise setup from None
    if isinstance(exc, bx.ClientError):
        operation = exc.operation_name
        error = exc.response.get("Error", {})
        if is_access_denied(exc):
            return ListingFailed(f"not permitted: {_service_of(client)}:{operation}")
        return ListingFailed(
            f"{_service_of(client)}:{operation} failed: {error.get('Code', '?')}: {error.get('Message', '')}".rstrip(
                ": "
            )
        )
    return ListingFailed(f"{_service_of(client)} call failed: {exc}")


def _pages(ctx: AwsContext, client: Any, operation: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every page of a paginated call; failures become ListingFailed (or AwsSetupError)."""
    try:
        yield from client.get_paginator(operation).paginate(**kwargs)
    except (bx.ClientError, bx.BotoCoreError) as exc:
        raise _failure(ctx, client, exc) from None


def _call(ctx: AwsContext, client: Any, operation: str, **kwargs: Any) -> dict[str, Any]:
    try:
        return getattr(client, operation)(**kwargs)
    except (bx.ClientError, bx.BotoCoreError) as exc:
        raise _failure(ctx, client, exc) from None


def _parallel(*jobs: Callable[[], Any]) -> list[Any]:
    """Run independent jobs at once; results in order; exceptions (ListingFailed...) propagate."""
    if len(jobs) == 1:
        return [jobs[0]()]
    with ThreadPoolExecutor(max_workers=min(POOL_SIZE, len(jobs))) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]


def _map_parallel(function: Callable[[T], Any], items: Iterable[T]) -> list[Any]:
    items = list(items)
    if len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(POOL_SIZE, len(items))) as pool:
        return list(pool.map(function, items))


def _tags(raw: Iterable[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in raw or ()}


# -- instances ------------------------------------------------------------------------------------
def _associations(ctx: AwsContext) -> dict[str, ProfileAssociation] | None:
    """Current profile association per instance id, or None when the call is not permitted."""
    ec2 = ctx.client("ec2")
    best: dict[str, ProfileAssociation] = {}
    try:
        for page in _pages(
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
            for page in _pages(ctx, ssm, "describe_instance_information", **kwargs):
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
    tags = _tags(raw.get("Tags"))
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
            for page in _pages(
                ctx, ec2, "describe_instances", PaginationConfig={"PageSize": EC2_PAGE_SIZE}
            )
            for reservation in page.get("Reservations", [])
            for raw in reservation.get("Instances", [])
        ]

    try:
        raws, associations, statuses = _parallel(
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


# -- roles ----------------------------------------------------------------------------------------
def trusted_services(trust_policy: Any) -> tuple[str, ...]:
    """Services a role's trust policy lets assume it (Allow statements' Principal.Service)."""
    if not isinstance(trust_policy, dict):
        return ()
    statements = trust_policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    services: set[str] = set()
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            continue
        service = principal.get("Service", [])
        services.update([service] if isinstance(service, str) else service)
    return tuple(sorted(services))


def _role_from(
    raw: dict[str, Any], profiles: tuple[str, ...], policies: list[AttachedPolicy], readable: bool
) -> Role:
    documents = [p.document for p in policies if p.document is not None]
    return Role(
        name=raw["RoleName"],
        arn=raw["Arn"],
        path=raw.get("Path", "/"),
        trusted_services=trusted_services(raw.get("AssumeRolePolicyDocument")),
        instance_profiles=profiles,
        policies=tuple(policies),
        missing_actions=missing_session_manager_actions(documents) if readable else None,
        tags=_tags(raw.get("Tags")),
        create_date=raw.get("CreateDate"),
    )


class _ManagedPolicyDocuments:
    """Default-version documents of managed policies, fetched once per ARN (thread-safe enough:
    a duplicate fetch is harmless)."""

    def __init__(self, ctx: AwsContext, known: dict[str, dict | None] | None = None) -> None:
        self._ctx = ctx
        self._documents: dict[str, dict | None] = dict(known or {})

    def get(self, arn: str) -> dict | None:
        if arn in self._documents:
            return self._documents[arn]
        iam = self._ctx.client("iam")
        try:
            version = _call(self._ctx, iam, "get_policy", PolicyArn=arn)["Policy"][
                "DefaultVersionId"
            ]
            document = _call(
                self._ctx, iam, "get_policy_version", PolicyArn=arn, VersionId=version
            )["PolicyVersion"]["Document"]
        except ListingFailed:
            document = None
        self._documents[arn] = document if isinstance(document, dict) else None
        return self._documents[arn]


def _roles_from_authorization_details(ctx: AwsContext) -> list[Role]:
    """One paginated call returns roles, inline policies, attachments, profiles and local policies."""
    iam = ctx.client("iam")
    raw_roles: list[dict[str, Any]] = []
    local_documents: dict[str, dict | None] = {}
    for page in _pages(
        ctx, iam, "get_account_authorization_details", Filter=["Role", "LocalManagedPolicy"]
    ):
        raw_roles.extend(page.get("RoleDetailList", []))
        for policy in page.get("Policies", []):
            default = next(
                (v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), None
            )
            local_documents[policy["Arn"]] = default.get("Document") if default else None
    documents = _ManagedPolicyDocuments(ctx, local_documents)
    # AWS managed policies (e.g. AmazonSSMManagedInstanceCore) are fetched individually, once each.
    managed_arns = {p["PolicyArn"] for r in raw_roles for p in r.get("AttachedManagedPolicies", [])}
    _map_parallel(documents.get, sorted(managed_arns - local_documents.keys()))

    roles = []
    for raw in raw_roles:
        policies = [
            AttachedPolicy(
                name=p["PolicyName"],
                arn=p["PolicyArn"],
                kind="managed",
                document=documents.get(p["PolicyArn"]),
            )
            for p in raw.get("AttachedManagedPolicies", [])
        ]
        policies += [
            AttachedPolicy(
                name=p["PolicyName"], arn=None, kind="inline", document=p.get("PolicyDocument")
            )
            for p in raw.get("RolePolicyList", [])
        ]
        readable = all(p.document is not None for p in policies)
        profiles = tuple(
            sorted(p["InstanceProfileName"] for p in raw.get("InstanceProfileList", []))
        )
        roles.append(_role_from(raw, profiles, policies, readable))
    return roles


def _roles_one_by_one(ctx: AwsContext) -> list[Role]:
    """Fallback when GetAccountAuthorizationDetails is denied: ListRoles, then each role's policies."""
    iam = ctx.client("iam")
    raw_roles = [raw for page in _pages(ctx, iam, "list_roles") for raw in page.get("Roles", [])]
    profiles_by_role: dict[str, list[str]] = {}
    try:
        for page in _pages(ctx, iam, "list_instance_profiles"):
            for profile in page.get("InstanceProfiles", []):
                for role in profile.get("Roles", []):
                    profiles_by_role.setdefault(role["RoleName"], []).append(
                        profile["InstanceProfileName"]
                    )
    except ListingFailed:
        pass  # roles still list; their profiles column stays empty
    documents = _ManagedPolicyDocuments(ctx)

    def role_with_policies(raw: dict[str, Any]) -> Role:
        name = raw["RoleName"]
        policies: list[AttachedPolicy] = []
        readable = True
        try:
            for page in _pages(ctx, iam, "list_attached_role_policies", RoleName=name):
                for p in page.get("AttachedPolicies", []):
                    policies.append(
                        AttachedPolicy(
                            p["PolicyName"],
                            p["PolicyArn"],
                            "managed",
                            documents.get(p["PolicyArn"]),
                        )
                    )
            for page in _pages(ctx, iam, "list_role_policies", RoleName=name):
                for policy_name in page.get("PolicyNames", []):
                    document = _call(
                        ctx, iam, "get_role_policy", RoleName=name, PolicyName=policy_name
                    )["PolicyDocument"]
                    policies.append(AttachedPolicy(policy_name, None, "inline", document))
        except ListingFailed:
            readable = False
        readable = readable and all(p.document is not None for p in policies)
        return _role_from(raw, tuple(sorted(profiles_by_role.get(name, []))), policies, readable)

    return _map_parallel(role_with_policies, raw_roles)


def list_roles(ctx: AwsContext) -> Listing[Role]:
    """IAM roles with trust, instance profiles, policies and Session Manager readiness.

    `missing_actions` compares the policies with the core actions the agent needs; it is None
    when some policy could not be read (readiness unknown, not assumed).
    """
    try:
        try:
            roles = _roles_from_authorization_details(ctx)
        except ListingFailed as failure:
            if not failure.message.startswith("not permitted"):
                raise
            roles = _roles_one_by_one(ctx)
    except ListingFailed as failure:
        return Listing(error=failure.message)
    return Listing(items=tuple(sorted(roles, key=lambda r: r.name.lower())))


# -- pickers --------------------------------------------------------------------------------------
def list_instance_profiles(ctx: AwsContext) -> Listing[InstanceProfile]:
    iam = ctx.client("iam")
    try:
        profiles = [
            InstanceProfile(
                name=raw["InstanceProfileName"],
                arn=raw["Arn"],
                role_names=tuple(r["RoleName"] for r in raw.get("Roles", [])),
                tags=_tags(raw.get("Tags")),
            )
            for page in _pages(ctx, iam, "list_instance_profiles")
            for raw in page.get("InstanceProfiles", [])
        ]
    except ListingFailed as failure:
        return Listing(error=failure.message)
    return Listing(items=tuple(sorted(profiles, key=lambda p: p.name.lower())))


def list_kms_keys(ctx: AwsContext) -> Listing[KmsKey]:
    """Customer-managed symmetric keys (what Session Manager encryption accepts), with aliases."""
    kms = ctx.client("kms")
    try:
        key_ids, aliases = _parallel(
            lambda: [
                k["KeyId"] for page in _pages(ctx, kms, "list_keys") for k in page.get("Keys", [])
            ],
            lambda: [
                a for page in _pages(ctx, kms, "list_aliases") for a in page.get("Aliases", [])
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
            meta = _call(ctx, kms, "describe_key", KeyId=key_id)["KeyMetadata"]
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

    keys = [key for key in _map_parallel(describe, key_ids) if key is not None]
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
        raws = [raw for page in _pages(ctx, s3, "list_buckets") for raw in page.get("Buckets", [])]
    except ListingFailed as failure:
        return Listing(error=failure.message)
    buckets = _map_parallel(
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
            for page in _pages(ctx, logs, "describe_log_groups")
            for raw in page.get("logGroups", [])
        ]
    except ListingFailed as failure:
        return Listing(error=failure.message)
    return Listing(items=tuple(sorted(groups, key=lambda g: g.name)))
