"""IAM roles with their trust, instance profiles, policies and Session Manager readiness.

One paginated GetAccountAuthorizationDetails call returns roles, inline policies,
attachments, instance profiles and the account's own managed policies; AWS managed policies
(e.g. AmazonSSMManagedInstanceCore) are fetched once each. When that call is denied, roles are
read one by one (ListRoles, ListInstanceProfiles, per-role policy calls).
"""

from __future__ import annotations

from typing import Any

from ssm_tui.aws.listing_calls import ListingFailed, call, map_parallel, pages, tags_dict
from ssm_tui.aws.models import AttachedPolicy, Listing, Role
from ssm_tui.aws.session import AwsContext
from ssm_tui.policy.readiness import missing_session_manager_actions


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
        tags=tags_dict(raw.get("Tags")),
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
            version = call(self._ctx, iam, "get_policy", PolicyArn=arn)["Policy"][
                "DefaultVersionId"
            ]
            document = call(self._ctx, iam, "get_policy_version", PolicyArn=arn, VersionId=version)[
                "PolicyVersion"
            ]["Document"]
        except ListingFailed:
            document = None
        self._documents[arn] = document if isinstance(document, dict) else None
        return self._documents[arn]


def _roles_from_authorization_details(ctx: AwsContext) -> list[Role]:
    """One paginated call returns roles, inline policies, attachments, profiles and local policies."""
    iam = ctx.client("iam")
    raw_roles: list[dict[str, Any]] = []
    local_documents: dict[str, dict | None] = {}
    for page in pages(
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
    map_parallel(documents.get, sorted(managed_arns - local_documents.keys()))

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
    raw_roles = [raw for page in pages(ctx, iam, "list_roles") for raw in page.get("Roles", [])]
    profiles_by_role: dict[str, list[str]] = {}
    try:
        for page in pages(ctx, iam, "list_instance_profiles"):
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
            for page in pages(ctx, iam, "list_attached_role_policies", RoleName=name):
                for p in page.get("AttachedPolicies", []):
                    policies.append(
                        AttachedPolicy(
                            p["PolicyName"],
                            p["PolicyArn"],
                            "managed",
                            documents.get(p["PolicyArn"]),
                        )
                    )
            for page in pages(ctx, iam, "list_role_policies", RoleName=name):
                for policy_name in page.get("PolicyNames", []):
                    document = call(
                        ctx, iam, "get_role_policy", RoleName=name, PolicyName=policy_name
                    )["PolicyDocument"]
                    policies.append(AttachedPolicy(policy_name, None, "inline", document))
        except ListingFailed:
            readable = False
        readable = readable and all(p.document is not None for p in policies)
        return _role_from(raw, tuple(sorted(profiles_by_role.get(name, []))), policies, readable)

    return map_parallel(role_with_policies, raw_roles)


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
