"""The aws-docs style reproduces both policies of AWS's page (the seed), compared as
(effect, action, resource) sets; the only intended difference is the `/*` on the S3 ARN."""

from __future__ import annotations

import json

from policy_helpers import KEY_ARN, triples

from ssm_tui.policy import SessionManagerOptions, build_policy, lint_policy, policy_json

# Copied from the seed (session-manager-instance-profile.txt), placeholders filled in:
# "key-name" -> a key ARN; DOC-EXAMPLE-BUCKET -> doc-example-bucket (today's rules forbid uppercase).
SEED_MINIMAL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ssm:UpdateInstanceInformation",
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": ["s3:GetEncryptionConfiguration"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": KEY_ARN},
    ],
}

SEED_S3_AND_CLOUDWATCH = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
                "ssm:UpdateInstanceInformation",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogGroups",
                "logs:DescribeLogStreams",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject"],
            "Resource": "arn:aws:s3:::doc-example-bucket/s3-bucket-prefix",
        },
        {"Effect": "Allow", "Action": ["s3:GetEncryptionConfiguration"], "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": "*"},
    ],
}

SEED_PUT_OBJECT = ("Allow", "s3:PutObject", "arn:aws:s3:::doc-example-bucket/s3-bucket-prefix")
FIXED_PUT_OBJECT = ("Allow", "s3:PutObject", "arn:aws:s3:::doc-example-bucket/s3-bucket-prefix/*")

SEED_SECOND_OPTIONS = SessionManagerOptions(
    s3_bucket="doc-example-bucket", s3_prefix="s3-bucket-prefix", cloudwatch=True
)


def test_only_a_key_gives_the_seeds_first_policy():
    document = build_policy(SessionManagerOptions(kms_key_arn=KEY_ARN))
    assert triples(document) == triples(SEED_MINIMAL)
    assert document["Version"] == "2012-10-17"


def test_no_key_drops_the_kms_statement_as_the_page_says():
    document = build_policy(SessionManagerOptions())
    assert triples(document) == triples(SEED_MINIMAL) - {("Allow", "kms:Decrypt", KEY_ARN)}
    assert not any(a.startswith("kms:") for _, a, _ in triples(document))


def test_bucket_prefix_and_cloudwatch_give_the_seeds_second_policy_with_the_object_arn_fix():
    document = build_policy(SEED_SECOND_OPTIONS)
    expected = (triples(SEED_S3_AND_CLOUDWATCH) - {SEED_PUT_OBJECT}) | {FIXED_PUT_OBJECT}
    assert triples(document) == expected


def test_statements_are_readable_with_unique_alphanumeric_sids():
    document = build_policy(SEED_SECOND_OPTIONS)
    sids = [s["Sid"] for s in document["Statement"]]
    assert len(sids) == len(set(sids))
    assert all(sid.isalnum() for sid in sids)
    assert list(document) == ["Version", "Statement"]
    assert [list(s) for s in document["Statement"]] == [
        ["Sid", "Effect", "Action", "Resource"]
    ] * len(sids)


def test_policy_json_is_four_space_indented_and_stable():
    document = build_policy(SEED_SECOND_OPTIONS)
    text = policy_json(document)
    assert text.splitlines()[1] == '    "Version": "2012-10-17",'
    assert json.loads(text) == document
    assert policy_json(build_policy(SEED_SECOND_OPTIONS)) == text


def test_lint_flags_the_seeds_original_prefix_arn_and_not_ours():
    seed_findings = lint_policy(SEED_S3_AND_CLOUDWATCH)
    flagged = [f for f in seed_findings if f.issue == "S3_OBJECT_ACTION_NOT_ON_OBJECTS"]
    assert len(flagged) == 1 and flagged[0].is_error
    assert "doc-example-bucket/s3-bucket-prefix/*" in flagged[0].detail
    ours = lint_policy(build_policy(SEED_SECOND_OPTIONS))
    assert not [f for f in ours if f.is_error]
