"""Pickers' data: KMS keys with aliases, buckets with default encryption, log groups."""

from __future__ import annotations

from ssm_tui.aws import inventory
from ssm_tui.aws.faults import FaultInjector

from .paging import paginate_responses


def test_kms_keys_show_aliases_and_state_and_skip_keys_sessions_cannot_use(ctx):
    kms = ctx.client("kms")
    key = kms.create_key(Description="sessions")["KeyMetadata"]
    kms.create_alias(AliasName="alias/session-manager", TargetKeyId=key["KeyId"])
    disabled = kms.create_key(Description="old")["KeyMetadata"]
    kms.disable_key(KeyId=disabled["KeyId"])
    kms.create_key(
        KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"
    )  # asymmetric: not usable for sessions
    listing = inventory.list_kms_keys(ctx)
    assert listing.ok, listing.error
    keys = {k.key_id: k for k in listing.items}
    assert set(keys) == {key["KeyId"], disabled["KeyId"]}
    assert keys[key["KeyId"]].aliases == ("alias/session-manager",)
    assert keys[key["KeyId"]].arn == key["Arn"]
    assert (keys[key["KeyId"]].description, keys[key["KeyId"]].enabled) == ("sessions", True)
    assert keys[disabled["KeyId"]].enabled is False


def test_kms_keys_are_listed_across_every_page(ctx):
    kms = ctx.client("kms")
    created = {kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)}
    served: list[int] = []
    paginate_responses(
        FaultInjector(kms),
        "ListKeys",
        list_key="Keys",
        page_size=2,
        token_in="Marker",
        token_out="NextMarker",
        truncated_flag="Truncated",
        pages_served=served,
    )
    assert {k.key_id for k in inventory.list_kms_keys(ctx).items} == created
    assert served == [0, 2]


def test_buckets_show_their_default_encryption(ctx):
    s3 = ctx.client("s3")
    key_arn = ctx.client("kms").create_key()["KeyMetadata"]["Arn"]
    s3.create_bucket(Bucket="session-logs-kms")
    s3.put_bucket_encryption(
        Bucket="session-logs-kms",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    }
                }
            ]
        },
    )
    s3.create_bucket(Bucket="plain-aes")
    s3.put_bucket_encryption(
        Bucket="plain-aes",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.create_bucket(Bucket="hidden-settings")
    FaultInjector(s3).fail(
        "GetBucketEncryption",
        "AccessDenied",
        status=403,
        when=lambda request: "hidden-settings" in request.url,
    )
    buckets = {b.name: b for b in inventory.list_buckets(ctx).items}
    assert (
        buckets["session-logs-kms"].default_encryption,
        buckets["session-logs-kms"].kms_key_arn,
    ) == ("aws:kms", key_arn)
    assert (buckets["plain-aes"].default_encryption, buckets["plain-aes"].kms_key_arn) == (
        "AES256",
        None,
    )
    assert buckets["hidden-settings"].default_encryption == "unknown"


def test_log_groups_with_arn_and_key(ctx):
    logs = ctx.client("logs")
    key_arn = ctx.client("kms").create_key()["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="/aws/ssm/sessions", kmsKeyId=key_arn)
    logs.create_log_group(logGroupName="/app/web")
    groups = {g.name: g for g in inventory.list_log_groups(ctx).items}
    assert set(groups) == {"/aws/ssm/sessions", "/app/web"}
    assert groups["/aws/ssm/sessions"].kms_key_arn == key_arn
    assert groups["/app/web"].kms_key_arn is None
    assert groups["/app/web"].arn.endswith(":log-group:/app/web")


def test_log_groups_are_listed_across_every_page(ctx):
    logs = ctx.client("logs")
    for n in range(5):
        logs.create_log_group(logGroupName=f"/app/{n}")
    served: list[int] = []
    paginate_responses(
        FaultInjector(logs),
        "DescribeLogGroups",
        list_key="logGroups",
        page_size=2,
        token_in="nextToken",
        token_out="nextToken",
        pages_served=served,
    )
    assert [g.name for g in inventory.list_log_groups(ctx).items] == [f"/app/{n}" for n in range(5)]
    assert served == [0, 2, 4]
