"""Mode 9 — Code and export: the run as a PyTorch script to read, copy or save, and as files.

The script is `present.codegen.script_for(config)` for the settings in force. A read-only
TextArea highlights it, with tree-sitter's Python grammar from textual[syntax]. The same text is
what `c` copies and `s` saves. `e` writes the run so far as JSON (the `wdtui trace --json`
document), and its epoch table as CSV. They are made from the session's records
(`Session.report`), so they can be taken while the worker trains. Files are written atomically
into the folder in the field at the bottom: the user data directory, unless you type another.
A folder that cannot be written is one notification, not a traceback.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Label, Static, TextArea

from ...core.config import RunConfig
from ...present.codegen import script_for
from ...present.words import describe
from ...store import export
from ..widgets.footer import ModeFooter
from .base import ModeScreen


class CodeScreen(ModeScreen):
    """What the script reproduces, the script, and the folder that s and e write to."""

    AUTO_FOCUS = "#code-script"
    FOCUS = {"script": "#code-script"}
    BINDINGS = [
        Binding("c", "copy", "Copy", tooltip="Copy the script to the clipboard"),
        Binding("s", "save", "Save .py", tooltip="Save the script as a .py file in the folder below"),
        Binding("e", "export", "Export run", tooltip="Write the run so far as JSON (as wdtui trace --json) and "
                                                     "its epoch table as CSV in the folder below"),
        Binding("f", "folder", "Folder", tooltip="Choose the folder that s and e write to (enter or esc leaves)"),
        Binding("escape", "leave_folder", "Leave folder", show=False, tooltip="Back to the script"),
    ]

    _shown: RunConfig | None = None  # the settings the script on display was made for

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="code-about")
        yield TextArea(id="code-script", language="python", read_only=True, show_line_numbers=True,
                       soft_wrap=False)
        with Horizontal(id="code-folder"):
            yield Label("Folder (f) for s and e")
            default = str(export.default_dir())
            yield Input(default, placeholder=f"{default} (the default)", id="code-dir", compact=True)
        yield ModeFooter(compact=True)

    def refresh_view(self) -> None:
        s = self.session
        changed = (f" λ changed during this run; the script trains with the latest, λ = {s.config.weight_decay:g}, "
                   "throughout." if s.lambda_changes else "")
        self.query_one("#code-about", Static).update(
            f"A standalone PyTorch script for the settings in force: {describe(s.config)}. It needs only torch; "
            f"run it with [b]python train.py[/b] and it prints this run's epoch table.{changed}")
        if s.config != self._shown:
            self._shown = s.config
            self.query_one(TextArea).load_text(script_for(s.config))

    @property
    def folder(self) -> str | None:
        """The folder typed below, or None (the user data directory) when the field is empty."""
        return self.query_one("#code-dir", Input).value.strip() or None

    def action_copy(self) -> None:
        script = self.query_one(TextArea).text
        self.app.copy_to_clipboard(script)
        lines = script.count("\n")
        self.notify(f"The script ({lines} lines) is on the clipboard, through the terminal; if "
                    "yours does not pass it on, press s to save it instead.", title="Copied")

    def action_save(self) -> None:
        try:
            path = export.save_script(self.query_one(TextArea).text, self.folder)
        except export.ExportError as exc:
            self.notify(f"{exc}. Choose another folder with f.", title="Script not saved", severity="error")
            return
        self.notify(f"Saved {path}\nRun it with: python {path}", title="Script saved")

    def action_export(self) -> None:
        s = self.session
        report = s.report(self.wdtui.view_boundary)
        if report is None:
            why = f"the run could not be built: {s.error}" if s.error else "the run is still being built"
            self.notify(f"Nothing to export yet: {why}.", title="Run not exported", severity="warning")
            return
        try:
            json_path, csv_path = export.export_run(report, export.run_targets(self.folder))
        except export.ExportError as exc:
            self.notify(f"{exc}. Choose another folder with f.", title="Run not exported", severity="error")
            return
        n = len(s.epochs)
        what = (f"epoch 0 and {n} epoch{'s' * (n != 1)}" if n else "no epochs yet, only epoch 0 (the untrained model)") + (
            " (training goes on; the files stop at its latest epoch end)" if s.running else "")
        self.notify(f"Wrote the run so far, {what}:\n{json_path}\n{csv_path}", title="Run exported")

    def action_folder(self) -> None:
        self.query_one("#code-dir", Input).focus()

    def action_leave_folder(self) -> None:
        self.query_one(TextArea).focus()

    @on(Input.Submitted, "#code-dir")
    def _folder_done(self) -> None:
        self.action_leave_folder()
