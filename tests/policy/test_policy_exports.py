"""Exports parse in their own toolchains and carry exactly the preview's policy:
cfn-lint finds no errors in the template, python-hcl2 parses the Terraform, `bash -n` accepts the
script, and (when the AWS CLI is installed) the script creates the resources in the emulator."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import Any

import pytest
from policy_helpers import KEY_ARN

from ssm_tui.policy import (
    ExportFormat,
    InvalidOptionsError,
    PolicyStyle,
    ResourceNames,
    SessionManagerOptions,
    build_policy,
    ec2_trust_policy,
    render_export,
)

CN_KEY = "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CASES = {
    "minimal": (SessionManagerOptions(), ResourceNames()),
    "seed-second": (
        SessionManagerOptions(
            s3_bucket="doc-example-bucket", s3_prefix="s3-bucket-prefix", cloudwatch=True
        ),
        ResourceNames(),
    ),
    "scoped-everything": (
        SessionManagerOptions(
            style=PolicyStyle.SCOPED,
            kms_key_arn=KEY_ARN,
            s3_bucket="logs",
            s3_prefix="ssm/(x)",
            s3_cross_account=True,
            s3_enforce_encryption=True,
            cloudwatch=True,
            log_group="/ssm/#sessions",
            account_id="111122223333",
        ),
        ResourceNames("Ssm+Policy", "ssm.role@team", "ssm=profile,1"),
    ),
    "scoped-china": (
        SessionManagerOptions(
            style=PolicyStyle.SCOPED, region="cn-north-1", kms_key_arn=CN_KEY, cloudwatch=True
        ),
        ResourceNames(instance_profile_name="OtherProfile"),
    ),
    "legacy-bucket": (
        SessionManagerOptions(s3_bucket="Legacy_Bucket", region="us-east-1"),
        ResourceNames(),
    ),
}
case_ids = list(CASES)
cases = [CASES[name] for name in case_ids]


@pytest.mark.parametrize(("options", "names"), cases, ids=case_ids)
def test_json_export_is_the_policy(options, names):
    assert json.loads(render_export(ExportFormat.JSON, options, names)) == build_policy(options)


# --- Terraform -------------------------------------------------------------------------------


def _parse_hcl(text: str) -> dict[str, Any]:
    import hcl2

    parsed = hcl2.loads(
        text,
        serialization_options=hcl2.SerializationOptions(
            strip_string_quotes=True, explicit_blocks=False, with_comments=False
        ),
    )
    resources: dict[str, dict[str, Any]] = {}
    for block in parsed["resource"]:
        for kind, labelled in block.items():
            for label, body in labelled.items():
                resources[f"{kind}.{label}"] = body
    return resources


def _heredoc_json(value: str) -> Any:
    match = re.fullmatch(r"<<-?(\w+)\n(.*)\n\s*\1", value, re.DOTALL)
    assert match, value[:60]
    return json.loads(match[2].replace("$${", "${").replace("%%{", "%{"))


@pytest.mark.parametrize(("options", "names"), cases, ids=case_ids)
def test_terraform_parses_and_carries_the_policy_role_attachment_and_profile(options, names):
    resources = _parse_hcl(render_export("terraform", options, names))
    assert set(resources) == {
        "aws_iam_policy.session_manager",
        "aws_iam_role.session_manager",
        "aws_iam_role_policy_attachment.session_manager",
        "aws_iam_instance_profile.session_manager",
    }
    policy = resources["aws_iam_policy.session_manager"]
    assert policy["name"] == names.policy_name
    assert _heredoc_json(policy["policy"]) == build_policy(options)
    role = resources["aws_iam_role.session_manager"]
    assert role["name"] == names.role_name
    assert _heredoc_json(role["assume_role_policy"]) == ec2_trust_policy(options.partition)
    attachment = resources["aws_iam_role_policy_attachment.session_manager"]
    assert attachment == {
        "role": "${aws_iam_role.session_manager.name}",
        "policy_arn": "${aws_iam_policy.session_manager.arn}",
    }
    profile = resources["aws_iam_instance_profile.session_manager"]
    assert profile == {"name": names.profile_name, "role": "${aws_iam_role.session_manager.name}"}


def test_terraform_escapes_template_syntax_in_strings():
    from ssm_tui.policy.exports.terraform import _hcl_string, _heredoc

    assert _hcl_string("a ${b} %{c}") == '"a $${b} %%{c}"'
    assert "$${x}" in _heredoc('{"k": "${x}"}')


# --- CloudFormation ----------------------------------------------------------------------------


def _cfn_errors(template_text: str) -> list[str]:
    import cfnlint.api

    matches = cfnlint.api.lint(template_text, config=cfnlint.api.ManualArgs(regions=["us-east-1"]))
    return [str(m) for m in matches if m.rule.id.startswith("E")]


def _resolve_account(value: Any, account: str) -> Any:
    if isinstance(value, list):
        return [_resolve_account(v, account) for v in value]
    if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        return value["Fn::Sub"].replace("${AWS::AccountId}", account)
    return value


@pytest.mark.parametrize(("options", "names"), cases, ids=case_ids)
def test_cloudformation_template_has_no_cfn_lint_errors_and_the_same_policy(options, names):
    text = render_export(ExportFormat.CLOUDFORMATION, options, names)
    assert _cfn_errors(text) == []
    template = json.loads(text)
    resources = template["Resources"]
    assert {r["Type"] for r in resources.values()} == {
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::Role",
        "AWS::IAM::InstanceProfile",
    }
    assert resources["SessionManagerPolicy"]["Properties"]["ManagedPolicyName"] == names.policy_name
    role = resources["SessionManagerRole"]["Properties"]
    assert role["RoleName"] == names.role_name
    assert role["AssumeRolePolicyDocument"] == ec2_trust_policy(options.partition)
    assert role["ManagedPolicyArns"] == [{"Ref": "SessionManagerPolicy"}]
    profile = resources["SessionManagerInstanceProfile"]["Properties"]
    assert profile == {
        "InstanceProfileName": names.profile_name,
        "Roles": [{"Ref": "SessionManagerRole"}],
    }
    document = resources["SessionManagerPolicy"]["Properties"]["PolicyDocument"]
    account = options.account_id or "*"
    resolved = {
        **document,
        "Statement": [
            {**s, "Resource": _resolve_account(s["Resource"], account)}
            for s in document["Statement"]
        ],
    }
    assert resolved == build_policy(options)


def test_cloudformation_binds_account_scoped_arns_to_the_deploying_account_for_stacksets():
    options = SessionManagerOptions(
        style=PolicyStyle.SCOPED,
        cloudwatch=True,
        log_group="g",
        kms_key_arn=KEY_ARN,
        account_id="111122223333",
    )
    text = render_export("cloudformation", options)
    assert "111122223333:log-group" not in text and "${AWS::AccountId}:log-group:g" in text
    assert KEY_ARN in text  # a central key stays literal


def test_cfn_lint_check_can_fail():
    broken = json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "x"}}},
        }
    )
    assert _cfn_errors(broken)


# --- AWS CLI script ----------------------------------------------------------------------------

CONSOLE_STEPS = [
    "aws iam create-policy",
    "aws iam create-role",
    "aws iam attach-role-policy",
    "aws iam create-instance-profile",
    "aws iam add-role-to-instance-profile",
]


def _heredoc_body(script: str, marker: str) -> Any:
    match = re.search(rf"<<'{marker}'\n(.*?)\n{marker}\n", script, re.DOTALL)
    assert match
    return json.loads(match[1])


@pytest.mark.parametrize(("options", "names"), cases, ids=case_ids)
def test_cli_script_passes_bash_n_and_makes_the_console_calls_in_order(options, names, tmp_path):
    script = render_export(ExportFormat.CLI, options, names)
    path = tmp_path / "create.sh"
    path.write_text(script)
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    live = [
        line.strip()
        for line in script.splitlines()
        if line.strip().startswith(("aws ", "POLICY_ARN="))
    ]
    positions = [next(i for i, line in enumerate(live) if step in line) for step in CONSOLE_STEPS]
    assert positions == sorted(positions)
    assert _heredoc_body(script, "SSM_TUI_POLICY") == build_policy(options)
    assert _heredoc_body(script, "SSM_TUI_TRUST") == ec2_trust_policy(options.partition)
    commented = [line for line in script.splitlines() if line.startswith("# aws ec2")]
    assert any("associate-iam-instance-profile" in line for line in commented)
    assert any("replace-iam-instance-profile-association" in line for line in commented)
    assert (
        f"PROFILE_NAME={names.profile_name}" in script
        or f"PROFILE_NAME='{names.profile_name}'" in script
    )


@pytest.mark.skipif(
    shutil.which("aws") is None, reason="AWS CLI not installed (pip install 'ssm-tui[bench]')"
)
def test_cli_script_creates_policy_role_and_profile_in_the_emulator(emulator, tmp_path):
    import boto3

    options = SessionManagerOptions(
        s3_bucket="doc-example-bucket", s3_prefix="s3-bucket-prefix", cloudwatch=True
    )
    names = ResourceNames("SsmPolicy", "SsmRole", "SsmProfile")
    path = tmp_path / "create.sh"
    path.write_text(render_export(ExportFormat.CLI, options, names))
    env = {**os.environ, "AWS_ENDPOINT_URL": emulator.endpoint_url}
    result = subprocess.run(
        ["bash", str(path)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    iam = boto3.client("iam", endpoint_url=emulator.endpoint_url, region_name="us-east-1")
    [attached] = iam.list_attached_role_policies(RoleName="SsmRole")["AttachedPolicies"]
    assert attached["PolicyName"] == "SsmPolicy"
    version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
    stored = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)[
        "PolicyVersion"
    ]["Document"]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored == build_policy(options)
    profile = iam.get_instance_profile(InstanceProfileName="SsmProfile")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["SsmRole"]
    trust = profile["Roles"][0]["AssumeRolePolicyDocument"]
    assert (json.loads(trust) if isinstance(trust, str) else trust) == ec2_trust_policy("aws")


# --- validation before export --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_every_export_refuses_bad_options_and_bad_names(fmt):
    with pytest.raises(InvalidOptionsError) as raised:
        render_export(
            fmt, SessionManagerOptions(s3_bucket="x"), ResourceNames(role_name="bad name")
        )
    assert {p.field for p in raised.value.problems} == {"s3_bucket", "role_name"}


def test_unknown_export_format_is_a_value_error():
    with pytest.raises(ValueError):
        render_export("yaml", SessionManagerOptions())
