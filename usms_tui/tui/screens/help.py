"""The ``?`` help screen: every key, generated from the bindings themselves, plus what the
status symbols mean and UCloud's 12-hour rule. Nothing here is a hand-kept list of keys, so
it cannot drift from what the keys really do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from usms_tui.domain.receipts import DEFAULT_WARN_AFTER, STATUS_ORDER, Status
from usms_tui.tui.keymap import in_binding_order, key_hint, remapped
from usms_tui.tui.statuses import OVERDUE_SYMBOL, STATUS_SYMBOLS
from usms_tui.tui.widgets.key_bar import KeyBar

#: What each status means, in the operator's terms (the symbols come from text.py).
STATUS_MEANINGS: dict[Status, str] = {
    Status.DELIVERED: "the carrier confirmed delivery (ReceiptResult Success / 发送成功)",
    Status.FAILED: "the carrier reported a failure (Fail / 发送失败); see Code and Description",
    Status.UNKNOWN: "the carrier never reported (Unknow / 状态未知)",
    Status.PENDING: "no receipt yet; receipts can take a while",
    Status.OTHER: "an undocumented ReceiptResult, shown exactly as the API sent it",
}

Section = tuple[str, list[tuple[str, str]]]


def screen_title(screen: DOMNode) -> str:
    """``HELP_TITLE`` when a screen has one, else its class name made readable."""
    title = getattr(screen, "HELP_TITLE", "")
    if title:
        return title
    name = type(screen).__name__.removesuffix("Screen") or type(screen).__name__
    return "".join(f" {c.lower()}" if c.isupper() and i else c for i, c in enumerate(name)) + " screen"


#: Keys every Textual screen has (focus moves, copy); listed once, under "Everywhere".
_GENERIC = {(b.key, b.action) for b in Binding.make_bindings(Screen.BINDINGS)}
#: Clearer words for Textual's own actions whose descriptions are terse.
_DESCRIPTIONS = {"command_palette": "Command palette (every action by name)"}


def _rows(
    app: App[Any], bindings: Iterable[tuple[DOMNode | None, Binding]], *, generic: bool = False
) -> list[tuple[str, str]]:
    """Merge keys bound to the same action: ``esc, q   Back``. Bindings without a
    description are Textual internals (e.g. ctrl+c's hint) and are left out."""
    merged: dict[tuple[str, str], list[str]] = {}
    for _node, binding in bindings:
        if not generic and (binding.key, binding.action) in _GENERIC:
            continue
        description = _DESCRIPTIONS.get(binding.action, binding.description)
        if not description:
            continue
        keys = merged.setdefault((binding.action, description), [])
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    return [(", ".join(keys), description) for (_action, description), keys in merged.items()]


def _words(name: str) -> str:
    """``SessionTable`` -> ``session table``."""
    return "".join(f" {c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def binding_sections(app: App[Any], stack: list[Screen[Any]], extra: Iterable[type[Screen[Any]]] = ()) -> list[Section]:
    """Sections of (keys, description), most useful first: the top screen's own keys, the
    other screens in the stack, ``extra`` screen classes, the app's keys, and last the keys
    of the focused widget (moving around a table)."""
    sections: list[Section] = []
    widget_sections: list[Section] = []
    seen: set[type] = set()
    if stack:
        top = stack[-1]
        by_node: dict[int, tuple[DOMNode, list[tuple[DOMNode | None, Binding]]]] = {}
        for _key, active in in_binding_order(top.active_bindings):
            if active.node is app:
                continue
            by_node.setdefault(id(active.node), (active.node, []))[1].append((active.node, active.binding))
        for node, items in by_node.values():
            if node is top:
                sections.insert(0, (screen_title(top), _rows(app, items)))
            else:
                widget_sections.append((f"In the {_words(type(node).__name__)}", _rows(app, items)))
        seen.add(type(top))
        for screen in reversed(stack[:-1]):
            if type(screen) in seen:
                continue
            seen.add(type(screen))
            # A key the screen turns off (--read-only) is not offered here either; keys as
            # config.toml's [keys] moved them, as everywhere.
            items = [
                (screen, b)
                for _key, b in remapped(app, screen._bindings)
                if screen.check_action(b.action, ()) is not False
            ]
            if items:
                sections.append((screen_title(screen), _rows(app, items)))
    for cls in extra:
        if cls in seen:
            continue
        items = [(None, b) for _key, b in remapped(app, cls.BINDINGS)]
        if items:
            sections.append((getattr(cls, "HELP_TITLE", cls.__name__), _rows(app, items)))
    app_items: list[tuple[DOMNode | None, Binding]] = [(app, b) for _key, b in remapped(app, app._bindings)]
    app_items += [(None, b) for b in Binding.make_bindings(Screen.BINDINGS)]
    sections.append(("Everywhere", _rows(app, app_items, generic=True)))
    sections.extend(widget_sections)
    return [section for section in sections if section[1]]


def _hours(seconds: float) -> str:
    """``12`` for 12 h, ``1.5`` for 90 min."""
    return f"{seconds / 3600:g}"


def _found(needle: str, *texts: str) -> bool:
    return not needle or any(needle in t.casefold() for t in texts)


def help_text(sections: list[Section], warn_after: float, needle: str = "", copy_key: str = "y") -> Text:
    """The whole help page as plain Text (no markup: descriptions are shown as written).

    With ``needle``, only the keys, statuses and paragraphs holding it (in any case)."""
    needle = needle.strip().casefold()
    text = Text(no_wrap=False, end="")
    width = max((len(keys) for _title, rows in sections for keys, _d in rows), default=4)
    width = min(max(width, 6), 18)
    for title, all_rows in sections:
        rows = all_rows if _found(needle, title) else [r for r in all_rows if _found(needle, *r)]
        if not rows:
            continue
        text.append(f"{title}\n", style="bold underline")
        for keys, description in rows:
            text.append(f"  {keys:<{width}} ", style="bold")
            text.append(f"{description}\n")
        text.append("\n")
    hours = _hours(warn_after)
    age = f"{hours} hours" if hours != "1" else "1 hour"
    statuses = [
        ("<raw value>" if status is Status.OTHER else status.value, STATUS_SYMBOLS[status], STATUS_MEANINGS[status])
        for status in STATUS_ORDER
    ]
    statuses.append(("overdue", OVERDUE_SYMBOL, f"still pending {age} after sending"))
    shown = statuses if _found(needle, "Statuses") else [row for row in statuses if _found(needle, *row)]
    if shown:
        text.append("Statuses\n", style="bold underline")
        for word, symbol, meaning in shown:
            text.append(f"  {symbol} {word:<11} ", style="bold")
            text.append(f"{meaning}\n")
        text.append("\n")
    rule = (
        "  UCloud's advice: receipts can take a while; if none came right after sending, "
        "look again 5-10 minutes later. If there is still no status 12 hours after sending, "
        f"contact UCloud support with the SessionNo (press {copy_key} on a session to copy it). "
        f"Sessions and phones past {age} are marked overdue ({OVERDUE_SYMBOL}).\n"
    )
    if _found(needle, rule, f"The {hours}-hour rule"):
        text.append(f"The {hours}-hour rule\n", style="bold underline")
        text.append(rule)
    if not text.plain:
        text.append("nothing in help matches (escape clears the search)")
    return text


class HelpScreen(ModalScreen[None]):
    """Keys of the screen beneath and of the app, status symbols and the 12-hour rule."""

    BINDINGS = [
        Binding("escape", "close", "close help"),
        Binding("question_mark", "close", "close help", show=False, id="help"),
        Binding("q", "close", "close help", show=False, id="back"),
        Binding("slash", "search", "search", show=False, id="search"),
    ]

    # Centred both ways: at 200 columns a help page glued to the top edge reads as a stray pane.
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help-search { width: 100%; max-width: 100; height: 1; border: none; padding: 0 1; display: none; }
    HelpScreen #help-search.-active { display: block; }
    HelpScreen #help-box {
        width: 100%; max-width: 100; height: auto; max-height: 1fr;
        border: round $primary; border-title-color: $primary; background: $surface;
    }
    HelpScreen #help-body { padding: 0 1; }
    HelpScreen KeyBar { dock: bottom; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sections: list[Section] = []
        self._warn_after = DEFAULT_WARN_AFTER

    def compose(self) -> ComposeResult:
        # Not selected on focus: the first typed letter is already in it and must stay.
        yield Input(placeholder="search help (escape clears)", id="help-search", select_on_focus=False)
        box = VerticalScroll(Static(id="help-body"), id="help-box")
        box.border_title = "Help · type to search · esc closes"
        yield box
        yield KeyBar()

    def on_mount(self) -> None:
        # Imported here: the phones and failures views import nothing from help.
        from usms_tui.tui.screens.failures import FailuresScreen
        from usms_tui.tui.screens.phones import PhonesScreen

        app = self.app
        stack = [s for s in app.screen_stack if s is not self]
        sections = binding_sections(app, stack, extra=(PhonesScreen, FailuresScreen))
        # The poller's warning age, else the settings' (help may open before the first cycle).
        found = getattr(getattr(app, "poller", None), "warn_after", None)
        if found is None:
            found = getattr(getattr(app, "settings", None), "warn_after", None)
        self._warn_after = DEFAULT_WARN_AFTER if found is None else float(found)
        self._sections = sections
        self._show("")
        self.query_one("#help-box").focus()

    def _show(self, needle: str) -> None:
        copy_key = key_hint(self.app, "copy")
        self.query_one("#help-body", Static).update(help_text(self._sections, self._warn_after, needle, copy_key))

    def on_key(self, event: events.Key) -> None:
        # Typing starts the search (help's own keys, q and ? unless [keys] moved them, still
        # close, / opens the field empty): no key to learn first. Once the field has the
        # focus, every character goes into it.
        field = self.query_one("#help-search", Input)
        if field.has_focus or event.character is None or not event.character.isprintable():
            return
        if event.key == "space" or event.key in self.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.action_search()
        field.value = event.character
        field.cursor_position = len(field.value)

    def action_search(self) -> None:
        field = self.query_one("#help-search", Input)
        field.add_class("-active")
        field.focus()

    @on(Input.Changed, "#help-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._show(event.value)
        self.query_one("#help-box", VerticalScroll).scroll_home(animate=False)

    @on(Input.Submitted, "#help-search")
    def _search_kept(self, event: Input.Submitted) -> None:
        self.query_one("#help-box").focus()  # arrows scroll what was found

    def action_close(self) -> None:
        field = self.query_one("#help-search", Input)
        if field.has_focus or field.value:
            # Escape in the search clears it first; the next one closes help.
            field.value = ""
            field.remove_class("-active")
            self.query_one("#help-box").focus()
            return
        self.dismiss(None)
