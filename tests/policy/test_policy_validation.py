"""Every validation rule with a failing and a passing example; errors name the field and say
what would be right; warnings are accepted."""

from __future__ import annotations

import pytest
from policy_helpers import KEY_ARN

from ssm_tui.policy import (
    InvalidOptionsError,
    PolicyStyle,
    ResourceNames,
    SessionManagerOptions,
    build_policy,
    validate_names,
    validate_options,
)
from ssm_tui.policy.validation import MAX_MANAGED_POLICY_SIZE, check_policy_size

Opt = SessionManagerOptions


def problems_for(options: SessionManagerOptions, severity: str) -> list:
    return [p for p in validate_options(options) if p.severity == severity]


# (field, failing options, words the message must contain, a passing options object for the same rule)
FAILING_AND_PASSING = [
    # S3 bucket naming rules
    ("s3_bucket", Opt(s3_bucket="ab"), ["2 characters", "3-63"], Opt(s3_bucket="abc")),
    (
        "s3_bucket",
        Opt(s3_bucket="a" * 64, region="cn-north-1"),
        ["64 characters"],
        Opt(s3_bucket="a" * 63, region="cn-north-1"),
    ),
    ("s3_bucket", Opt(s3_bucket="logs!bucket"), ["'!'"], Opt(s3_bucket="logs-bucket")),
    ("s3_bucket", Opt(s3_bucket="-logs"), ["start and end"], Opt(s3_bucket="logs")),
    ("s3_bucket", Opt(s3_bucket="logs-"), ["start and end"], Opt(s3_bucket="logs-1")),
    ("s3_bucket", Opt(s3_bucket="my..logs"), ["adjacent periods"], Opt(s3_bucket="my.logs")),
    ("s3_bucket", Opt(s3_bucket="192.168.5.4"), ["IP address"], Opt(s3_bucket="192.168.5.logs")),
    ("s3_bucket", Opt(s3_bucket="xn--logs"), ["'xn--'", "reserves"], Opt(s3_bucket="xn-logs")),
    ("s3_bucket", Opt(s3_bucket="sthree-logs"), ["'sthree-'"], Opt(s3_bucket="three-logs")),
    ("s3_bucket", Opt(s3_bucket="amzn-s3-demo-logs"), ["'amzn-s3-demo-'"], Opt(s3_bucket="amzn-logs")),
    ("s3_bucket", Opt(s3_bucket="logs-s3alias"), ["'-s3alias'"], Opt(s3_bucket="logs-s3-alias")),
    ("s3_bucket", Opt(s3_bucket="logs--ol-s3"), ["'--ol-s3'"], Opt(s3_bucket="logs-ol-s3")),
    ("s3_bucket", Opt(s3_bucket="logs.mrap"), ["'.mrap'"], Opt(s3_bucket="logs.map")),
    ("s3_bucket", Opt(s3_bucket="logs--x-s3"), ["'--x-s3'"], Opt(s3_bucket="logs-x-s3")),
    ("s3_bucket", Opt(s3_bucket="logs--table-s3"), ["'--table-s3'"], Opt(s3_bucket="logs-table-s3")),
    ("s3_bucket", Opt(s3_bucket="s3://logs"), ["bare bucket name"], Opt(s3_bucket="logs")),
    ("s3_bucket", Opt(s3_bucket=" logs"), ["spaces"], Opt(s3_bucket="logs")),
    (
        "s3_bucket",
        Opt(s3_bucket="Logs", region="cn-north-1"),
        ["uppercase", "aws-cn partition has no such"],
        Opt(s3_bucket="logs", region="cn-north-1"),
    ),
    # S3 prefix
    (
        "s3_prefix",
        Opt(s3_bucket="logs", s3_prefix="ssm/*"),
        ["'*'", "wildcards"],
        Opt(s3_bucket="logs", s3_prefix="ssm/x"),
    ),
    (
        "s3_prefix",
        Opt(s3_bucket="logs", s3_prefix="${aws:username}"),
        ["'$'"],
        Opt(s3_bucket="logs", s3_prefix="user"),
    ),
    (
        "s3_prefix",
        Opt(s3_bucket="logs", s3_prefix="ssm logs"),
        ["' '"],
        Opt(s3_bucket="logs", s3_prefix="ssm-logs"),
    ),
    (
        "s3_prefix",
        Opt(s3_bucket="logs", s3_prefix="/ssm"),
        ["start", "'ssm'"],
        Opt(s3_bucket="logs", s3_prefix="ssm/"),
    ),
    (
        "s3_prefix",
        Opt(s3_bucket="logs", s3_prefix="a//b"),
        ["'//'"],
        Opt(s3_bucket="logs", s3_prefix="a/b"),
    ),
    (
        "s3_prefix",
        Opt(s3_bucket="logs", s3_prefix="p" * 901),
        ["901 characters", "1,024"],
        Opt(s3_bucket="logs", s3_prefix="p" * 900),
    ),
    # CloudWatch log group
    (
        "log_group",
        Opt(cloudwatch=True, log_group="g" * 513),
        ["513 characters", "1-512"],
        Opt(cloudwatch=True, log_group="g" * 512),
    ),
    (
        "log_group",
        Opt(cloudwatch=True, log_group="ssm:logs"),
        ["':'"],
        Opt(cloudwatch=True, log_group="ssm/logs#1"),
    ),
    (
        "log_group",
        Opt(cloudwatch=True, log_group="aws/ssm"),
        ["reserves"],
        Opt(cloudwatch=True, log_group="/aws/ssm"),
    ),
    # KMS key
    (
        "kms_key_arn",
        Opt(kms_key_arn="1234abcd-12ab-34cd-56ef-1234567890ab"),
        [
            "key id, not a key ARN",
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ],
        Opt(kms_key_arn=KEY_ARN),
    ),
    (
        "kms_key_arn",
        Opt(kms_key_arn="alias/session-key"),
        ["alias name", "grants nothing"],
        Opt(kms_key_arn=KEY_ARN),
    ),
    (
        "kms_key_arn",
        Opt(kms_key_arn="arn:aws:kms:us-west-2:111122223333:alias/session-key"),
        ["alias ARN", "describe-key"],
        Opt(kms_key_arn=KEY_ARN),
    ),
    ("kms_key_arn", Opt(kms_key_arn="key-name"), ["not a KMS key ARN"], Opt(kms_key_arn=KEY_ARN)),
    (
        "kms_key_arn",
        Opt(kms_key_arn="arn:aws:s3:::bucket"),
        ["'s3'", "not a KMS key"],
        Opt(kms_key_arn=KEY_ARN),
    ),
    (
        "kms_key_arn",
        Opt(
            kms_key_arn="arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-12345EXAMPLE"
        ),
        ["not a KMS key id", "mrk-"],
        Opt(kms_key_arn="arn:aws:kms:us-west-2:111122223333:key/mrk-" + "0" * 32),
    ),
    (
        "kms_key_arn",
        Opt(kms_key_arn="arn:aws:kms:us-west-2:111122223333:key/*"),
        ["not a KMS key id"],
        Opt(kms_key_arn=KEY_ARN),
    ),
    (
        "kms_key_arn",
        Opt(kms_key_arn="arn:aws:kms:nowhere:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        ["Region name"],
        Opt(kms_key_arn=KEY_ARN),
    ),
    (
        "kms_key_arn",
        Opt(kms_key_arn="arn:aws:kms:us-west-2:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        ["12-digit"],
        Opt(kms_key_arn=KEY_ARN),
    ),
    (
        "kms_key_arn",
        Opt(
            kms_key_arn="arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            region="cn-north-1",
        ),
        ["arn:aws-cn:kms"],
        Opt(
            kms_key_arn="arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            region="cn-north-1",
        ),
    ),
    (
        "kms_key_arn",
        Opt(kms_key_arn=KEY_ARN, region="us-gov-west-1"),
        ["another partition"],
        Opt(kms_key_arn=KEY_ARN),
    ),
    # region, account, style, switches
    ("region", Opt(region="us-east"), ["not an AWS Region"], Opt(region="us-east-2")),
    ("region", Opt(region="us-iso-east-1"), ["aws-iso partition"], Opt(region="us-gov-east-1")),
    (
        "account_id",
        Opt(account_id="1111-2222-3333"),
        ["12 digits", "without dashes"],
        Opt(account_id="111122223333"),
    ),
    ("account_id", Opt(account_id="12345"), ["12 digits"], Opt(account_id="123456789012")),
    ("style", Opt(style="least-privilege"), ["aws-docs or scoped"], Opt(style="scoped")),
    ("cloudwatch", Opt(cloudwatch="yes"), ["true or false"], Opt(cloudwatch=True)),
]


@pytest.mark.parametrize(
    ("field", "failing", "words", "passing"),
    FAILING_AND_PASSING,
    ids=[f"{f}-{i}" for i, (f, *_rest) in enumerate(FAILING_AND_PASSING)],
)
def test_rule_fails_with_a_message_naming_the_field_and_passes_when_fixed(
    field, failing, words, passing
):
    errors = problems_for(failing, "error")
    assert [p.field for p in errors] == [field], errors
    for word in words:
        assert word in errors[0].message
    with pytest.raises(InvalidOptionsError) as raised:
        build_policy(failing)
    assert raised.value.problems == tuple(errors)
    assert str(raised.value) == f"{field}: {errors[0].message}"
    assert not problems_for(passing, "error")
    build_policy(passing)


def test_every_error_is_one_line():
    for _field, failing, _words, _passing in FAILING_AND_PASSING:
        for problem in validate_options(failing):
            assert "\n" not in problem.message


def test_all_errors_are_reported_at_once():
    options = Opt(s3_bucket="ab", kms_key_arn="alias/x", region="mars-1")
    with pytest.raises(InvalidOptionsError) as raised:
        build_policy(options)
    assert {p.field for p in raised.value.problems} == {"s3_bucket", "kms_key_arn", "region"}
    assert len(str(raised.value).splitlines()) == 3


@pytest.mark.parametrize("name", ["DOC-EXAMPLE-BUCKET", "Legacy_Logs", "a" * 200])
def test_legacy_us_east_1_bucket_names_are_accepted_with_a_warning_that_says_why(name):
    options = Opt(s3_bucket=name)
    assert not problems_for(options, "error")
    [warning] = problems_for(options, "warning")
    assert warning.field == "s3_bucket"
    assert "us-east-1 before 1 March 2018" in warning.message
    assert f"arn:aws:s3:::{name}/*" in str(build_policy(options))


def test_legacy_relaxation_does_not_cover_other_rules():
    assert problems_for(Opt(s3_bucket="Legacy..Logs"), "error")
    assert problems_for(Opt(s3_bucket="a" * 256), "error")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (Opt(s3_prefix="logs"), "s3_prefix"),
        (Opt(s3_cross_account=True), "s3_cross_account"),
        (Opt(s3_enforce_encryption=True), "s3_enforce_encryption"),
        (Opt(log_group="/ssm/logs"), "log_group"),
        (Opt(cloudwatch_enforce_encryption=True), "cloudwatch_enforce_encryption"),
        (Opt(style=PolicyStyle.SCOPED, s3_bucket="logs"), "kms_key_arn"),
        (Opt(style=PolicyStyle.SCOPED, cloudwatch=True, kms_key_arn=KEY_ARN), "log_group"),
    ],
)
def test_ignored_or_widening_choices_are_warnings_not_errors(options, field):
    assert [p.field for p in problems_for(options, "warning")] == [field]
    assert not problems_for(options, "error")
    build_policy(options)


def test_a_fully_specified_scoped_policy_has_no_warnings():
    options = Opt(
        style=PolicyStyle.SCOPED,
        kms_key_arn=KEY_ARN,
        s3_bucket="logs",
        s3_prefix="p",
        cloudwatch=True,
        log_group="/ssm/sessions",
        account_id="111122223333",
    )
    assert validate_options(options) == ()


def test_policy_size_limit():
    small = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "x"}],
    }
    assert check_policy_size(small) == ()
    padding = "x" * MAX_MANAGED_POLICY_SIZE
    [problem] = check_policy_size(
        {**small, "Statement": [{**small["Statement"][0], "Resource": padding}]}
    )
    assert problem.field == "policy" and "6144" in problem.message


# --- IAM names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "field", "word"),
    [
        (ResourceNames(policy_name=""), "policy_name", "empty"),
        (ResourceNames(policy_name="p" * 129), "policy_name", "at most 128"),
        (ResourceNames(policy_name="Session Manager"), "policy_name", "' '"),
        (ResourceNames(role_name="r" * 65), "role_name", "at most 64"),
        (ResourceNames(role_name="role/name"), "role_name", "'/'"),
        (ResourceNames(instance_profile_name="i" * 129), "instance_profile_name", "at most 128"),
        (ResourceNames(instance_profile_name="profile*"), "instance_profile_name", "'*'"),
    ],
)
def test_iam_name_rules(names, field, word):
    [problem] = validate_names(names)
    assert problem.field == field and word in problem.message


def test_valid_iam_names_pass():
    assert validate_names(ResourceNames()) == ()
    assert validate_names(ResourceNames("p" * 128, "r+=,.@_-" + "r" * 56, "i" * 128)) == ()


def test_instance_profile_defaults_to_the_role_name_like_the_console():
    assert ResourceNames(role_name="MyRole").profile_name == "MyRole"
    assert ResourceNames(role_name="MyRole", instance_profile_name="Other").profile_name == "Other"
