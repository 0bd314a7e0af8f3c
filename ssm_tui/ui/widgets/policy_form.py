"""The policy builder's left side: a switch or input for every option of the policy engine.

It only *reads* its widgets into a `SessionManagerOptions` + `ResourceNames` and posts them
(`PolicyForm.Changed`); the parent validates, builds and hands problems back down with
`show_problems()`. Pickers (KMS keys, buckets, log groups) fill the matching input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Select, Static, Switch

from ssm_tui.aws.models import Bucket, KmsKey, LogGroup
from ssm_tui.policy.options import PolicyStyle, ResourceNames, SessionManagerOptions
from ssm_tui.policy.validation import FieldProblem

# Fields that show a problem line under them (option or name attribute -> problem Static id).
PROBLEM_FIELDS = (
    "style", "region", "account_id", "kms_key_arn", "s3_bucket", "s3_prefix", "s3_cross_account",
    "s3_enforce_encryption", "log_group", "cloudwatch_enforce_encryption", "policy_name", "role_name",
    "instance_profile_name", "policy",
)


# Inputs that belong to an optional section: typing in one switches its section on.
SECTION_SWITCH = {"kms_key_arn": "kms-enabled", "s3_bucket": "s3-enabled", "s3_prefix": "s3-enabled",
                  "log_group": "cloudwatch"}


def resolve_kms_key(text: str, keys: Iterable[KmsKey]) -> str:
    """An alias name/ARN or bare key id the account has -> that key's ARN; anything else unchanged.

    IAM evaluates kms:Decrypt against the key ARN, so a policy must never name an alias.
    """
    wanted = text.strip()
    for key in keys:
        if wanted in (key.key_id, key.arn):
            return key.arn
        for alias in key.aliases:
            if wanted == alias or wanted.endswith(":" + alias):
                return key.arn
    return text


def _switch_row(label: str, switch_id: str, value: bool = False) -> Horizontal:
    # animate=False: the slider animation repaints for ~0.2 s and delays the preview frame.
    return Horizontal(Switch(value=value, animate=False, id=switch_id), Label(label, classes="switch-label"),
                      classes="switch-row")


def _problem(field: str) -> Static:
    return Static("", id=f"{field}-problem", classes="field-problem")


class PolicyForm(VerticalScroll):
    """Every builder option; posts `Changed` on each toggle and keystroke."""

    class Changed(Message):
        """The form now describes these options and names (not yet validated)."""

        def __init__(self, form: PolicyForm, options: SessionManagerOptions, names: ResourceNames,
                     ui_problems: tuple[FieldProblem, ...]) -> None:
            super().__init__()
            self.form = form
            self.options = options
            self.names = names
            self.ui_problems = ui_problems

        @property
        def control(self) -> PolicyForm:
            return self.form

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: tuple[KmsKey, ...] = ()
        self.aws_region = "us-east-1"
        self.account_id: str | None = None
        self._shown: dict[str, str] = {}  # widget id -> text on screen, to skip no-op updates
        self._lines: dict[str, int] = {}  # problem widget id -> wrapped line count on screen

    def compose(self) -> ComposeResult:
        yield Label("Policy style", classes="section-title")
        yield Select(
            [("aws-docs: AWS's published policy", PolicyStyle.AWS_DOCS.value),
             ("scoped: narrowest resources", PolicyStyle.SCOPED.value)],
            value=PolicyStyle.AWS_DOCS.value, allow_blank=False, compact=True, id="style",
        )
        yield _problem("style")
        yield _problem("region")
        yield _problem("account_id")

        yield Label("KMS encryption of session data", classes="section-title")
        yield _switch_row("Encrypt sessions with a KMS key (kms:Decrypt)", "kms-enabled")
        with Vertical(id="kms-fields", classes="option-fields"):
            yield Label("Key (from the account)", classes="field-label")
            yield Select([], compact=True, prompt="pick a key or alias", id="kms-picker")
            yield Label("Key ARN", classes="field-label")
            yield Input(compact=True, placeholder="arn:aws:kms:… or alias/… (resolved to its key)", id="kms_key_arn")
            yield Static("", id="kms-resolved", classes="field-hint")
            yield _problem("kms_key_arn")

        yield Label("S3 session logs", classes="section-title")
        yield _switch_row("Write session logs to S3", "s3-enabled")
        with Vertical(id="s3-fields", classes="option-fields"):
            yield Label("Bucket (from the account)", classes="field-label")
            yield Select([], compact=True, prompt="pick a bucket", id="bucket-picker")
            yield Label("Bucket name", classes="field-label")
            yield Input(compact=True, placeholder="e.g. my-session-logs", id="s3_bucket")
            yield _problem("s3_bucket")
            yield Label("Key prefix (optional)", classes="field-label")
            yield Input(compact=True, placeholder="e.g. session-logs", id="s3_prefix")
            yield _problem("s3_prefix")
            yield _switch_row("Bucket in another account (cross-account)", "s3_cross_account")
            yield _problem("s3_cross_account")
            yield _switch_row("Enforce S3 encryption", "s3_enforce_encryption")
            yield _problem("s3_enforce_encryption")

        yield Label("CloudWatch Logs", classes="section-title")
        yield _switch_row("Stream session logs to CloudWatch Logs", "cloudwatch")
        with Vertical(id="cloudwatch-fields", classes="option-fields"):
            yield Label("Log group (from the account)", classes="field-label")
            yield Select([], compact=True, prompt="pick a log group", id="log-group-picker")
            yield Label("Log group name (optional)", classes="field-label")
            yield Input(compact=True, placeholder="e.g. /ssm/session-logs", id="log_group")
            yield _problem("log_group")
            yield _switch_row("Enforce CloudWatch encryption", "cloudwatch_enforce_encryption")
            yield _problem("cloudwatch_enforce_encryption")

        yield Label("Names", classes="section-title")
        yield Label("Policy name", classes="field-label")
        yield Input(compact=True, value=ResourceNames().policy_name, id="policy_name")
        yield _problem("policy_name")
        yield Label("Role name", classes="field-label")
        yield Input(compact=True, value=ResourceNames().role_name, id="role_name")
        yield _problem("role_name")
        yield Label("Instance profile name", classes="field-label")
        yield Input(compact=True, placeholder=f"same as the role ({ResourceNames().role_name})", id="instance_profile_name")
        yield _problem("instance_profile_name")
        yield _problem("policy")

    def on_mount(self) -> None:
        self._sync_hints()

    # ----- reading the form -------------------------------------------------------------------
    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _on(self, switch_id: str) -> bool:
        return self.query_one(f"#{switch_id}", Switch).value

    def read(self) -> tuple[SessionManagerOptions, ResourceNames, tuple[FieldProblem, ...]]:
        """The options and names the form shows, plus problems only the form can see."""
        problems: list[FieldProblem] = []
        kms = None
        if self._on("kms-enabled"):
            kms = resolve_kms_key(self._text("kms_key_arn"), self._keys) or None
            if kms is None:
                problems.append(FieldProblem("kms_key_arn", "pick a key or paste its ARN (or switch KMS off)"))
        bucket = None
        if self._on("s3-enabled"):
            bucket = self._text("s3_bucket") or None
            if bucket is None:
                problems.append(FieldProblem("s3_bucket", "give the bucket that receives session logs (or switch S3 off)"))
        cloudwatch = self._on("cloudwatch")
        style = self.query_one("#style", Select).value
        options = SessionManagerOptions(
            kms_key_arn=kms,
            s3_bucket=bucket,
            s3_prefix=self._text("s3_prefix") if bucket else "",
            s3_cross_account=bool(bucket) and self._on("s3_cross_account"),
            s3_enforce_encryption=bool(bucket) and self._on("s3_enforce_encryption"),
            cloudwatch=cloudwatch,
            log_group=(self._text("log_group") or None) if cloudwatch else None,
            cloudwatch_enforce_encryption=cloudwatch and self._on("cloudwatch_enforce_encryption"),
            style=PolicyStyle(style) if isinstance(style, str) else PolicyStyle.AWS_DOCS,
            region=self.aws_region,
            account_id=self.account_id,
        )
        names = ResourceNames(
            policy_name=self._text("policy_name"),
            role_name=self._text("role_name"),
            instance_profile_name=self._text("instance_profile_name") or None,
        )
        return options, names, tuple(problems)

    def post_changed(self) -> None:
        options, names, problems = self.read()
        self.post_message(self.Changed(self, options, names, problems))

    # ----- showing problems (from the parent) -------------------------------------------------
    def show_problems(self, problems: Iterable[FieldProblem]) -> None:
        """Put each problem under its field; clear the fields that have none."""
        by_field: dict[str, list[FieldProblem]] = {}
        for problem in problems:
            field = problem.field if problem.field in PROBLEM_FIELDS else "policy"
            by_field.setdefault(field, []).append(problem)
        for field in PROBLEM_FIELDS:
            found = by_field.get(field, [])
            text = "\n".join(("✗ " if p.severity == "error" else "! ") + escape(p.message) for p in found)
            key = f"{field}-problem"
            if self._shown.get(key, "") == text:
                continue  # most keystrokes change no problem line: skip the re-layout
            self._shown[key] = text
            widget = self.query_one(f"#{key}", Static)
            widget.set_class(any(p.severity == "error" for p in found), "-error")
            widget.set_class(bool(found) and all(p.severity == "warning" for p in found), "-warning")
            # A message that still wraps to the same number of lines needs no (screen-wide) layout.
            lines = self._wrapped_lines(text, widget)
            widget.update(text, layout=lines != self._lines.get(key))
            self._lines[key] = lines
            widget.display = bool(found)

    @staticmethod
    def _wrapped_lines(markup: str, widget: Static) -> int:
        width = widget.content_region.width or widget.parent.content_region.width - 2  # type: ignore[union-attr]
        if not markup or width <= 0:
            return 0
        return len(Content.from_markup(markup).wrap(width))

    # ----- pickers ----------------------------------------------------------------------------
    def set_pickers(self, *, keys: tuple[KmsKey, ...] | None = None, buckets: tuple[Bucket, ...] | None = None,
                    log_groups: tuple[LogGroup, ...] | None = None, errors: Mapping[str, str] | None = None) -> None:
        """Fill the pickers from the account's listings (None: leave that picker as it is)."""
        if keys is not None:
            self._keys = keys
            options = []
            for key in keys:
                for alias in key.aliases:
                    options.append((f"{alias} ({key.key_id[:8]}…)", key.arn))
                if not key.aliases:
                    options.append((f"{key.key_id} {key.description}".strip(), key.arn))
            self.query_one("#kms-picker", Select).set_options(options)
        if buckets is not None:
            self.query_one("#bucket-picker", Select).set_options(
                [(f"{b.name} ({b.default_encryption})", b.name) for b in buckets]
            )
        if log_groups is not None:
            self.query_one("#log-group-picker", Select).set_options([(g.name, g.name) for g in log_groups])
        for picker_id, message in (errors or {}).items():
            picker = self.query_one(f"#{picker_id}", Select)
            picker.prompt = message
            picker.disabled = True

    @on(Select.Changed, "#kms-picker")
    def _kms_picked(self, event: Select.Changed) -> None:
        self._fill_from_picker(event, "kms_key_arn", "kms-enabled")

    @on(Select.Changed, "#bucket-picker")
    def _bucket_picked(self, event: Select.Changed) -> None:
        self._fill_from_picker(event, "s3_bucket", "s3-enabled")

    @on(Select.Changed, "#log-group-picker")
    def _log_group_picked(self, event: Select.Changed) -> None:
        self._fill_from_picker(event, "log_group", "cloudwatch")

    def _fill_from_picker(self, event: Select.Changed, input_id: str, switch_id: str) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.query_one(f"#{switch_id}", Switch).value = True
            self.query_one(f"#{input_id}", Input).value = event.value

    # ----- reacting to the user ---------------------------------------------------------------
    def _sync_hints(self) -> None:
        """Placeholder and KMS hint; touched only when their text changes (each update re-lays out)."""
        role = self._text("role_name") or ResourceNames().role_name
        placeholder = f"same as the role ({role})"
        profile_input = self.query_one("#instance_profile_name", Input)
        if profile_input.placeholder != placeholder:
            profile_input.placeholder = placeholder
        resolved = ""
        if self._on("kms-enabled"):
            text = self._text("kms_key_arn")
            arn = resolve_kms_key(text, self._keys)
            if text and arn != text:
                resolved = f"→ {escape(arn)}"
        if resolved != self._shown.get("kms-resolved"):
            self._shown["kms-resolved"] = resolved
            hint = self.query_one("#kms-resolved", Static)
            hint.update(resolved)
            hint.display = bool(resolved)

    @on(Switch.Changed)
    @on(Input.Changed)
    @on(Select.Changed, "#style")
    def _changed(self, event: Message) -> None:
        event.stop()
        if isinstance(event, Input.Changed) and event.value and event.input.id in SECTION_SWITCH:
            switch = self.query_one(f"#{SECTION_SWITCH[event.input.id]}", Switch)
            if not switch.value:
                switch.value = True  # typing a bucket means "log to S3"; its Changed rebuilds again
        self._sync_hints()
        self.post_changed()
