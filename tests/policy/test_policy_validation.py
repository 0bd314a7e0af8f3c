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

O = SessionManagerOptions


def problems_for(options: SessionManagerOptions, severity: str) -> list:
    return [p for p in validate_options(options) if p.severity == severity]


# (field, failing options, words the message must contain, a passing options object for the same rule)
FAILING_AND_PASSING = [
    # S3 bucket naming rules
    ("s3_bucket", O(s3_bucket="ab"), ["2 characters", "3-63"], O(s3_bucket="abc")),
    ("s3_bucket", O(s3_bucket="a" * 64, region="cn-north-1"), ["64 characters"], O(s3_bucket="a" * 63, region="cn-north-1")),
    ("s3_bucket", O(s3_bucket="logs!bucket"), ["'!'"], O(s3_bucket="logs-bucket")),
    ("s3_bucket", O(s3_bucket="-logs"), ["start and end"], O(s3_bucket="logs")),
    ("s3_bucket", O(s3_bucket="logs-"), ["start and end"], O(s3_bucket="logs-1")),
    ("s3_bucket", O(s3_bucket="my..logs"), ["adjacent periods"], O(s3_bucket="my.logs")),
    ("s3_bucket", O(s3_bucket="192.168.5.4"), ["IP address"], O(s3_bucket="192.168.5.logs")),
    ("s3_bucket", O(s3_bucket="xn--logs"), ["'xn--'", "reserves"], O(s3_bucket="xn-logs")),
    ("s3_bucket", O(s3_bucket="sthree-logs"), ["'sthree-'"], O(s3_bucket="three-logs")),
    ("s3_bucket", O(s3_bucket="amzn-s3-demo-logs"), ["'amzn-s3-demo-'"], O(s3_bucket="amzn-logs")),
    ("s3_bucket", O(s3_bucket="logs-s3alias"), ["'-s3alias'"], O(s3_bucket="logs-s3-alias")),
    ("s3_bucket", O(s3_bucket="logs--ol-s3"), ["'--ol-s3'"], O(s3_bucket="logs-ol-s3")),
    ("s3_bucket", O(s3_bucket="logs.mrap"), ["'.mrap'"], O(s3_bucket="logs.map")),
    ("s3_bucket", O(s3_bucket="logs--x-s3"), ["'--x-s3'"], O(s3_bucket="logs-x-s3")),
    ("s3_bucket", O(s3_bucket="logs--table-s3"), ["'--table-s3'"], O(s3_bucket="logs-table-s3")),
    ("s3_bucket", O(s3_bucket="s3://logs"), ["bare bucket name"], O(s3_bucket="logs")),
    ("s3_bucket", O(s3_bucket=" logs"), ["spaces"], O(s3_bucket="logs")),
    ("s3_bucket", O(s3_bucket="Logs", region="cn-north-1"), ["uppercase", "aws-cn partition has no such"],
     O(s3_bucket="logs", region="cn-north-1")),
    # S3 prefix
    ("s3_prefix", O(s3_bucket="logs", s3_prefix="ssm/*"), ["'*'", "wildcards"], O(s3_bucket="logs", s3_prefix="ssm/x")),
    ("s3_prefix", O(s3_bucket="logs", s3_prefix="${aws:username}"), ["'$'"], O(s3_bucket="logs", s3_prefix="user")),
    ("s3_prefix", O(s3_bucket="logs", s3_prefix="ssm logs"), ["' '"], O(s3_bucket="logs", s3_prefix="ssm-logs")),
    ("s3_prefix", O(s3_bucket="logs", s3_prefix="/ssm"), ["start", "'ssm'"], O(s3_bucket="logs", s3_prefix="ssm/")),
    ("s3_prefix", O(s3_bucket="logs", s3_prefix="a//b"), ["'//'"], O(s3_bucket="logs", s3_prefix="a/b")),
    ("s3_prefix", O(s3_bucket="logs", s3_prefix="p" * 901), ["901 characters", "1,024"],
     O(s3_bucket="logs", s3_prefix="p" * 900)),
    # CloudWatch log group
    ("log_group", O(cloudwatch=True, log_group="g" * 513), ["513 characters", "1-512"],
     O(cloudwatch=True, log_group="g" * 512)),
    ("log_group", O(cloudwatch=True, log_group="ssm:logs"), ["':'"], O(cloudwatch=True, log_group="ssm/logs#1")),
    ("log_group", O(cloudwatch=True, log_group="aws/ssm"), ["reserves"], O(cloudwatch=True, log_group="/aws/ssm")),
    # KMS key
    ("kms_key_arn", O(kms_key_arn="1234abcd-12ab-34cd-56ef-1234567890ab"), ["key id, not a key ARN",
     "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"], O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="alias/session-key"), ["alias name", "grants nothing"], O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="arn:aws:kms:us-west-2:111122223333:alias/session-key"), ["alias ARN", "describe-key"],
     O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="key-name"), ["not a KMS key ARN"], O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="arn:aws:s3:::bucket"), ["'s3'", "not a KMS key"], O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-12345EXAMPLE"),
     ["not a KMS key id", "mrk-"], O(kms_key_arn="arn:aws:kms:us-west-2:111122223333:key/mrk-" + "0" * 32)),
    ("kms_key_arn", O(kms_key_arn="arn:aws:kms:us-west-2:111122223333:key/*"), ["not a KMS key id"],
     O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="arn:aws:kms:nowhere:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
     ["Region name"], O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="arn:aws:kms:us-west-2:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
     ["12-digit"], O(kms_key_arn=KEY_ARN)),
    ("kms_key_arn", O(kms_key_arn="arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                      region="cn-north-1"), ["arn:aws-cn:kms"],
     O(kms_key_arn="arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
       region="cn-north-1")),
    ("kms_key_arn", O(kms_key_arn=KEY_ARN, region="us-gov-west-1"), ["another partition"], O(kms_key_arn=KEY_ARN)),
    # region, account, style, switches
    ("region", O(region="us-east"), ["not an AWS Region"], O(region="us-east-2")),
    ("region", O(region="us-iso-east-1"), ["aws-iso partition"], O(region="us-gov-east-1")),
    ("account_id", O(account_id="1111-2222-3333"), ["12 digits", "without dashes"], O(account_id="111122223333")),
    ("account_id", O(account_id="12345"), ["12 digits"], O(account_id="123456789012")),
    ("style", O(style="least-privilege"), ["aws-docs or scoped"], O(style="scoped")),
    ("cloudwatch", O(cloudwatch="yes"), ["true or false"], O(cloudwatch=True)),
]


@pytest.mark.parametrize(("field", "failing", "words", "passing"), FAILING_AND_PASSING,
                         ids=[f"{f}-{i}" for i, (f, *_rest) in enumerate(FAILING_AND_PASSING)])
def test_rule_fails_with_a_message_naming_the_field_and_passes_when_fixed(field, failing, words, passing):
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
    options = O(s3_bucket="ab", kms_key_arn="alias/x", region="mars-1")
    with pytest.raises(InvalidOptionsError) as raised:
        build_policy(options)
    assert {p.field for p in raised.value.problems} == {"s3_bucket", "kms_key_arn", "region"}
    assert len(str(raised.value).splitlines()) == 3


@pytest.mark.parametrize("name", ["DOC-EXAMPLE-BUCKET", "Legacy_Logs", "a" * 200])
def test_legacy_us_east_1_bucket_names_are_accepted_with_a_warning_that_says_why(name):
    options = O(s3_bucket=name)
    assert not problems_for(options, "error")
    [warning] = problems_for(options, "warning")
    assert warning.field == "s3_bucket"
    assert "us-east-1 before 1 March 2018" in warning.message
    assert f"arn:aws:s3:::{name}/*" in str(build_policy(options))


def test_legacy_relaxation_does_not_cover_other_rules():
    assert problems_for(O(s3_bucket="Legacy..Logs"), "error")
    assert problems_for(O(s3_bucket="a" * 256), "error")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (O(s3_prefix="logs"), "s3_prefix"),
        (O(s3_cross_account=True), "s3_cross_account"),
        (O(s3_enforce_encryption=True), "s3_enforce_encryption"),
        (O(log_group="/ssm/logs"), "log_group"),
        (O(cloudwatch_enforce_encryption=True), "cloudwatch_enforce_encryption"),
        (O(style=PolicyStyle.SCOPED, s3_bucket="logs"), "kms_key_arn"),
        (O(style=PolicyStyle.SCOPED, cloudwatch=True, kms_key_arn=KEY_ARN), "log_group"),
    ],
)
def test_ignored_or_widening_choices_are_warnings_not_errors(options, field):
    assert [p.field for p in problems_for(options, "warning")] == [field]
    assert not problems_for(options, "error")
    build_policy(options)


def test_a_fully_specified_scoped_policy_has_no_warnings():
    options = O(style=PolicyStyle.SCOPED, kms_key_arn=KEY_ARN, s3_bucket="logs", s3_prefix="p",
                cloudwatch=True, log_group="/ssm/sessions", account_id="111122223333")
    assert validate_options(options) == ()


def test_policy_size_limit():
    small = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "x"}]}
    assert check_policy_size(small) == ()
    padding = "x" * MAX_MANAGED_POLICY_SIZE
    [problem] = check_policy_size({**small, "Statement": [{**small["Statement"][0], "Resource": padding}]})
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
