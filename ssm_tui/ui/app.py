"""The ssm-tui application and the one factory (`make_app`) that builds it for the CLI, the
tests, the screenshot script and the benchmark.

First paint never waits for AWS: boto3 (and moto, in demo mode) are imported by a thread worker
started on mount, which connects and then loads the listings; workers only post messages and
the handlers here hand the results to the tabs.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Footer, Input, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from ssm_tui.aws.models import Listing
from ssm_tui.config import AppConfig
from ssm_tui.ui.commands import SsmTuiCommands
from ssm_tui.ui.messages import Connected, Identity, ListingLoaded
from ssm_tui.ui.metrics import AppMetrics
from ssm_tui.ui.widgets.deferred import Deferred, ViewReady
from ssm_tui.ui.widgets.header_bar import HeaderBar
from ssm_tui.ui.widgets.instances_view import InstancesView

if TYPE_CHECKING:
    from ssm_tui.ui.widgets.policy_view import PolicyView
    from ssm_tui.ui.widgets.roles_view import RolesView

# Modules imported only when first used (after the first frame): see widgets/deferred.py.


def _roles_view() -> Widget:
    from ssm_tui.ui.widgets.roles_view import RolesView

    return RolesView(id="roles-view")


def _policy_view() -> Widget:
    from ssm_tui.ui.widgets.policy_view import PolicyView

    return PolicyView(id="policy-view")


def _activity_pane() -> Widget:
    from ssm_tui.ui.widgets.activity_pane import ActivityPane

    return ActivityPane(id="activity-pane")

STYLES = Path(__file__).parent / "styles"

# listing kind -> the inventory function that produces it
LISTERS: dict[str, str] = {
    "instances": "list_instances",
    "roles": "list_roles",
    "kms_keys": "list_kms_keys",
    "buckets": "list_buckets",
    "log_groups": "list_log_groups",
}
SECONDARY_LISTINGS = ("roles", "kms_keys", "buckets", "log_groups")
TAB_LISTINGS: dict[str, tuple[str, ...]] = {
    "instances": ("instances",),
    "roles": ("roles",),
    "policy": ("kms_keys", "buckets", "log_groups"),
}
# Secondary listings start when instances arrive (so they do not compete with the listing the user
# is looking at), or after this fallback when the instance listing is slow: 1,000 instances take
# ~5 s against the emulator, so a shorter fallback would start them mid-listing.
SECONDARY_DELAY_S = 10.0
DARK_THEME, LIGHT_THEME = "textual-dark", "textual-light"


class SsmTuiApp(App[int]):
    """Instances, Roles, Policy and Activity tabs over one AWS connection."""

    TITLE = "ssm-tui"
    # Focus the table as the screen first resumes rather than from on_mount: a focus change after
    # mount re-styles nodes and recomposes the footer before the first frame (~60 ms of cold start).
    AUTO_FOCUS = "#instances-table"
    HELP_GROUP = "Everywhere"
    CSS_PATH: ClassVar[list[Path]] = [STYLES / name for name in ("app.tcss", "instances.tcss", "roles.tcss", "policy.tcss", "dialogs.tcss", "activity.tcss")]
    COMMANDS = App.COMMANDS | {SsmTuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_tab('instances')", "Instances", show=False, id="app.tab_instances"),
        Binding("2", "show_tab('roles')", "Roles", show=False, id="app.tab_roles"),
        Binding("3", "show_tab('policy')", "Policy", show=False, id="app.tab_policy"),
        Binding("4", "show_tab('activity')", "Activity", show=False, id="app.tab_activity"),
        Binding("r", "refresh_tab", "Refresh", id="app.refresh"),
        Binding("c", "copy_policy", "Copy policy", id="app.copy_policy"),
        Binding("e", "export_policy", "Export", id="app.export_policy"),
        Binding("a", "apply", "Apply", id="app.apply"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="app.toggle_theme"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.command_palette", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(
        self,
        config: AppConfig,
        *,
        context: Any = None,
        connect: bool = True,
        clock: Callable[[], datetime] | None = None,
        on_first_paint: Callable[[], None] | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.config = config
        self.context: Any = context
        self.identity: Identity | None = None
        self.metrics = AppMetrics()
        self._connect_on_mount = connect
        self._clock = clock or datetime.now
        self._on_first_paint = on_first_paint
        self._cursor_blink = cursor_blink
        self._demo: Any = None
        self._closing = False
        self._secondary_started = False
        self.loaded_kinds: set[str] = set()  # listings shown at least once (screenshots wait on it)
        self._listings: dict[str, tuple[Listing, datetime | None]] = {}
        self._account: tuple[str, str | None] | None = None  # (region, account id) for the policy

    # ----- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield HeaderBar(
            demo=self.config.demo, read_only=self.config.read_only,
            region=self.config.region or "", profile=self.config.profile or "",
        )
        with TabbedContent(initial="instances", id="tabs"):
            with TabPane("1 Instances", id="instances"):
                yield InstancesView(id="instances-view")
            with TabPane("2 Roles", id="roles"):
                yield Deferred(_roles_view)
            with TabPane("3 Policy", id="policy"):
                yield Deferred(_policy_view)
            with TabPane("4 Activity", id="activity"):
                yield Deferred(_activity_pane)
        yield Footer()

    @property
    def instances_view(self) -> InstancesView:
        return self.query_one(InstancesView)

    @property
    def roles_view(self) -> RolesView:
        return self.query_one("#roles-view")  # type: ignore[return-value]

    @property
    def policy_view(self) -> PolicyView:
        return self.query_one("#policy-view")  # type: ignore[return-value]

    def _mounted(self, selector: str) -> Any:
        """The deferred view, or None in the few milliseconds before it is mounted."""
        found = self.query(selector)
        return found.first() if found and found.first().is_mounted else None

    @property
    def header_bar(self) -> HeaderBar:
        return self.query_one(HeaderBar)

    def now(self) -> datetime:
        """The app's clock (fixed in snapshot tests)."""
        return self._clock()

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_painted)
        if not self._cursor_blink:
            for text_input in self.query(Input):
                text_input.cursor_blink = False
        if self._connect_on_mount:
            self.instances_view.loading = True

    def _first_painted(self) -> None:
        """Only now start AWS work: importing boto3 in a thread would hold the GIL and delay the first frame."""
        self.metrics.first_paint_at = time.perf_counter()
        if self._on_first_paint is not None:
            self._on_first_paint()
        for placeholder in self.query(Deferred):
            self.run_worker(placeholder.replace(), name="mount hidden tab", exit_on_error=False)
        if self._connect_on_mount:
            self.connect()

    def _note_input(self, event: events.Event) -> None:
        # event.time is when the driver saw the input (monotonic); keep one clock: perf_counter.
        self.metrics.last_input_at = time.perf_counter() - max(0.0, time.monotonic() - event.time)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseUp)):
            self._note_input(event)
        await super().on_event(event)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """A click acts on mouse-up; it also arrives here by bubbling (the pilot skips App.on_event)."""
        self._note_input(event)

    def on_unmount(self) -> None:
        self._closing = True
        self._stop_demo()

    def _stop_demo(self) -> None:
        demo, self._demo = self._demo, None
        if demo is not None:
            demo.stop()

    # ----- connecting and listing (thread workers) --------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="connect", name="connect to AWS")
    def connect(self) -> None:
        """Start the demo backend if asked, build the AWS context, prove the credentials."""
        config = self.config
        if config.demo:
            if self._demo is None:
                from ssm_tui.aws.demo.backend import DemoBackend

                backend = DemoBackend(size=config.demo_size)
                backend.start()
                self._demo = backend
                if self._closing:  # the user quit while the fleet was being seeded
                    self._stop_demo()
                    return
            config = self._demo.config_for(config)
        context = self.context
        if context is None:
            from ssm_tui.aws.session import AwsContext

            context = AwsContext.from_config(config)
        caller = context.identity()
        identity = Identity(caller.account_id, caller.arn, caller.partition)
        self.post_message(Connected(context, identity, context.profile_name, context.region))

    @on(Connected)
    def _connected(self, message: Connected) -> None:
        self.context = message.context
        self.metrics.connected_at = time.perf_counter()
        self.show_connection(message.identity, message.profile, message.region)
        self._secondary_started = False
        self.load_listings(["instances"])
        self.set_timer(SECONDARY_DELAY_S, self._start_secondary_listings)

    def show_connection(self, identity: Identity | None, profile: str | None, region: str) -> None:
        """Who and where: header fields and the policy's region/account. Public for snapshot tests."""
        self.identity = identity
        header = self.header_bar
        header.account = identity.account_id if identity else "unknown"
        header.aws_region = region
        header.aws_profile = profile or ("demo" if self.config.demo else "default")
        self._account = (region, identity.account_id if identity else None)
        if (policy := self._mounted("#policy-view")) is not None:
            policy.set_account(*self._account)

    def _start_secondary_listings(self) -> None:
        if not self._secondary_started:
            self._secondary_started = True
            self.load_listings(SECONDARY_LISTINGS)

    def load_listings(self, kinds: Iterable[str]) -> None:
        """(Re)load these listings in thread workers; each tab shows a loading indicator meanwhile."""
        if self.context is None:
            self.notify("Not connected to AWS yet", severity="warning")
            return
        for kind in kinds:
            if kind == "instances":
                self.metrics.inventory_load_started_at = time.perf_counter()
                self.instances_view.loading = True
            elif kind == "roles" and (roles := self._mounted("#roles-view")) is not None:
                roles.loading = True
            self.run_worker(partial(self._list, kind), thread=True, exclusive=True, exit_on_error=False,
                            group=f"listing-{kind}", name=f"list {kind}")

    def _list(self, kind: str) -> None:
        from ssm_tui.aws import inventory

        listing = getattr(inventory, LISTERS[kind])(self.context)
        self.post_message(ListingLoaded(kind, listing, self.now()))

    @on(ListingLoaded)
    def _listing_loaded(self, message: ListingLoaded) -> None:
        if self._closing or not self.query(InstancesView):
            return  # the app is shutting down: its views are already gone
        self.show_listing(message.kind, message.listing, message.loaded_at)
        if message.kind == "instances":
            self._start_secondary_listings()

    def show_listing(self, kind: str, listing: Listing, loaded_at: datetime | None = None) -> None:
        """Hand one listing to the tab(s) that show it. Public so tests can feed fixed dataclasses."""
        self.loaded_kinds.add(kind)
        self._listings[kind] = (listing, loaded_at)
        if kind == "instances":
            self.instances_view.show_listing(listing, loaded_at)
        elif kind == "roles":
            self.instances_view.set_roles(listing.items if listing.ok else None)
            if (roles := self._mounted("#roles-view")) is not None:
                roles.show_listing(listing, loaded_at)
        elif (policy := self._mounted("#policy-view")) is not None:
            picker = {"kms_keys": "kms-picker", "buckets": "bucket-picker", "log_groups": "log-group-picker"}[kind]
            errors = {picker: listing.error} if listing.error else None
            policy.form.set_pickers(**{"keys" if kind == "kms_keys" else kind: listing.items}, errors=errors)

    @on(ViewReady)
    def _view_ready(self, message: ViewReady) -> None:
        """A deferred tab just mounted: give it what arrived before it existed."""
        if message.view.id == "policy-view" and self._account is not None:
            message.view.set_account(*self._account)
        wanted = {"roles-view": ("roles",), "policy-view": ("kms_keys", "buckets", "log_groups")}
        for kind in wanted.get(message.view.id or "", ()):
            if kind in self._listings:
                self.show_listing(kind, *self._listings[kind])

    # ----- the one error handler --------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker failure ends here: the app keeps running and the user sees why."""
        if event.state != WorkerState.ERROR:
            return
        worker, error = event.worker, event.worker.error
        group = worker.group or ""
        summary = f"{type(error).__name__}: {error}"
        if group == "connect":
            self.header_bar.account = "not connected"
            self.instances_view.loading = False
            self.instances_view.show_error(f"not connected: {error}")
        elif group.startswith("listing-"):
            kind = group.removeprefix("listing-")
            if kind == "instances":
                self.instances_view.loading = False
                self.instances_view.show_error(f"listing failed: {summary}")
            elif kind == "roles" and (roles := self._mounted("#roles-view")) is not None:
                roles.loading = False
        from botocore.exceptions import BotoCoreError, ClientError  # only reached after connecting

        from ssm_tui.ui.screens.error_modal import ErrorModal

        expected = isinstance(error, (ClientError, BotoCoreError)) or type(error).__name__ == "AwsSetupError"
        detail = str(error) if expected else "".join(traceback.format_exception(error))
        if isinstance(self.screen, ErrorModal):
            return  # one error at a time; the first usually explains the rest
        self.push_screen(ErrorModal(f"{worker.name} failed", detail))

    # ----- actions ----------------------------------------------------------------------------
    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus_target = {
            "instances": "#instances-table",
            "roles": "#roles-table",
            "policy": "#policy-form",
            "activity": "#activity-pane",
        }[tab]
        widget = self._mounted(focus_target)
        if widget is not None and widget.focusable:
            widget.focus()

    @on(TabbedContent.TabActivated)
    def _tab_clicked(self, event: TabbedContent.TabActivated) -> None:
        # A click on a tab should leave focus inside that tab, like the 1-4 keys do.
        if event.pane.id and self.focused is not None and event.pane not in self.focused.ancestors_with_self:
            self.call_after_refresh(self.action_show_tab, event.pane.id)

    def action_refresh_tab(self) -> None:
        active = self.query_one(TabbedContent).active
        self.action_refresh(TAB_LISTINGS.get(active, tuple(LISTERS)))

    def action_refresh(self, kinds: Iterable[str] = tuple(LISTERS)) -> None:
        if self.context is None:
            self.connect()
            return
        self.load_listings(kinds)

    def action_refresh_all(self) -> None:
        self.action_refresh(tuple(LISTERS))

    def _reconnect(self, config: AppConfig) -> None:
        self.config = config
        self.context = None
        header = self.header_bar
        header.account, header.aws_region, header.aws_profile = "connecting…", config.region or "", config.profile or ""
        self.connect()

    def action_switch_region(self) -> None:
        current = self.context.region if self.context is not None else (self.config.region or "")

        def chosen(region: str | None) -> None:
            if region and region != current:
                self._reconnect(replace(self.config, region=region))

        from ssm_tui.ui.screens.prompt_modal import PromptModal

        self.push_screen(PromptModal("Switch region", value=current, placeholder="e.g. eu-west-1",
                                     hint="Reconnects and reloads every listing."), chosen)

    def action_switch_profile(self) -> None:
        if self.config.demo:
            self.notify("The demo backend has no AWS profiles: restart without --demo", severity="warning")
            return
        from botocore.session import Session

        profiles = sorted(Session().available_profiles)
        hint = ("Profiles in your AWS config: " + ", ".join(profiles)) if profiles else "No profiles in your AWS config."

        def chosen(profile: str | None) -> None:
            if profile and profile != self.config.profile:
                self._reconnect(replace(self.config, profile=profile))

        from ssm_tui.ui.screens.prompt_modal import PromptModal

        self.push_screen(PromptModal("Switch AWS profile", value=self.config.profile or "", hint=hint), chosen)

    def action_copy_policy(self) -> None:
        """pyperclip first; when it has no system clipboard (SSH, headless) fall back to OSC 52."""
        from ssm_tui.ui.widgets.policy_view import PolicyNotReady

        view = self._mounted("#policy-view")
        if view is None:
            self.notify("The policy builder is still loading: try again in a moment", severity="warning")
            return
        try:
            text = view.policy_text()
        except PolicyNotReady as problem:
            self.notify(str(problem), title="Nothing copied", severity="warning")
            return
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:  # noqa: BLE001 - PyperclipException, or anything a broken clipboard tool raises
            self.copy_to_clipboard(text)
            self.notify("No system clipboard here: sent the policy to your terminal's clipboard (OSC 52)",
                        title="Policy copied")
        else:
            self.notify("Copied the policy to the system clipboard", title="Policy copied")

    def action_export_policy(self) -> None:
        from ssm_tui.ui.screens.export_modal import ExportModal
        from ssm_tui.ui.widgets.policy_view import PolicyNotReady

        view = self._mounted("#policy-view")
        if view is None:
            self.notify("The policy builder is still loading: try again in a moment", severity="warning")
            return
        try:
            options, names = view.export_inputs()
        except PolicyNotReady as problem:
            self.notify(str(problem), title="Nothing exported", severity="warning")
            return

        def exported(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Wrote {path}", title="Exported")

        self.push_screen(ExportModal(options, names), exported)

    def action_apply(self) -> None:
        """Plan (marked instances + Policy tab, or the Roles tab's role), confirm, apply: Activity tab."""
        pane = self._mounted("#activity-pane")
        if pane is not None:
            pane.start_apply()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME
        view = self._mounted("#policy-view")
        if view is not None and view.preview.text is not None and not view.preview.stale:
            view.preview.show(view.preview.text, view.preview.size_chars)

    def action_help(self) -> None:
        from ssm_tui.ui.screens.help_screen import HelpScreen, collect_bindings

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(collect_bindings(self.screen)))


def make_app(config: AppConfig, **test_hooks: Any) -> SsmTuiApp:
    """The one way to build the app (CLI, tests, screenshots, benchmark).

    Test hooks: `context` (an already-built AwsContext), `connect=False` (no AWS at all: feed
    `app.show_connection` and `app.show_listing` yourself), `clock` (fixed time for snapshots),
    `cursor_blink=False` (stable snapshots), `on_first_paint` (called once the first frame is out).
    """
    return SsmTuiApp(config, **test_hooks)
