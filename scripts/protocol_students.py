"""Simulated students that speak Streamlit's own websocket protocol, as a browser tab does.

A ``Tab`` is one browser tab without the browser. It gets the XSRF cookie over HTTP
(``/_stcore/health`` sets it), opens ``/_stcore/stream`` presenting the cookie and the
token in the ``Sec-WebSocket-Protocol`` list ("streamlit", token), as Streamlit's frontend
does, with this student's own ``playground_id`` cookie, and asks for a page with a
query string (a ``BackMsg`` ``rerun_script``). Then it keeps reading the ``ForwardMsg``s:
the widgets the page drew (label -> element, which carries the widget's id), what the
page says (alerts, progress bars, markdown), tracebacks, the query string the app writes
back, and when each run finishes. As the frontend does, it reruns a fragment whenever the
server asks (``auto_rerun``, from ``st.fragment(run_every=...)``: the live training
console), so a training is drawn and kept alive exactly as in a browser. Pressing a
button or moving a slider is one more ``rerun_script`` carrying that widget's state. It
keeps the large elements it was sent and tells the server which it has
(``cached_message_hashes``), as the frontend's message cache does, so the server sends a
short reference instead of an unchanged chart, exactly as it would to a browser.

``train`` (open a page, press Train, read the progress until "Test accuracy:") and
``move_slider`` (an idle student moving a sidebar slider every few seconds, timing each
rerun) are what ``scripts/load_test.py --mode protocol`` runs. Only loopback traffic;
every wait is bounded.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import DoubleArray
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

XSRF_COOKIE = "_streamlit_xsrf"
IDENTITY_COOKIE = "playground_id"  # ui/identity.py
FULL_RUN_ENDS = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, whatever the environment says


class TabError(Exception):
    """A simulated tab did not get what it waited for; the message says what and why."""


class Tab:
    """One browser tab on a page of the app, spoken to over Streamlit's websocket protocol.

    Args:
        base_url: the server, e.g. ``http://127.0.0.1:8501``.
        path: the page and its settings, e.g. ``mlp?train_samples=2000&epochs=2``.
        identity: the ``playground_id`` cookie (a new random one, as a new browser has, by default).
    """

    def __init__(self, base_url: str, path: str, identity: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.page, _, self.query = path.partition("?")
        self.identity = identity or secrets.token_urlsafe(16)
        self.widgets: dict[str, Any] = {}  # label -> the widget's element (its proto, with ``id``), latest drawn
        self.texts: list[tuple[float, str]] = []  # (arrival time, text) of alerts, progress bars and markdown
        self.tracebacks: list[str] = []
        self.full_runs = 0  # whole-page runs finished
        self.fragment_runs = 0
        self.closed: str | None = None  # why the connection ended, once it has
        self._values: dict[str, WidgetState] = {}  # widget states this tab set: every rerun sends them, as a browser
        self._page_hash = ""
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> (interval, task)
        self._cache: dict[str, tuple[int, ForwardMsg]] = {}  # hash -> (page run last used, message)
        self._cache_age = 2  # whole-page runs an unused message is kept (the server says, in new_session)
        self._runs_ended = 0
        self._changed = asyncio.Condition()
        self._socket: Any = None
        self._reader: asyncio.Task | None = None

    async def open(self, timeout: float = 120) -> None:
        """Connect and load the page: returns once its first whole run has finished."""
        xsrf = await asyncio.to_thread(self._xsrf_token)
        self._socket = await asyncio.wait_for(connect(
            self.base_url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit", xsrf],
            additional_headers={"Cookie": f"{XSRF_COOKIE}={xsrf}; {IDENTITY_COOKIE}={self.identity}"},
            origin=self.base_url, proxy=None, max_size=None, open_timeout=timeout,
            ping_interval=None,  # a browser sends no pings (it answers the server's, as this client does)
        ), timeout)
        self._reader = asyncio.create_task(self._read())
        await self._rerun()
        await self.until(lambda: self.full_runs >= 1, timeout, f"the page {self.page} did not finish loading")

    async def close(self) -> None:
        """Leave, as a closed tab does."""
        self._stop_timers()
        if self._socket is not None:
            try:
                await asyncio.wait_for(self._socket.close(), 10)
            except (TimeoutError, OSError):
                pass
        if self._reader is not None:
            self._reader.cancel()

    def widget(self, label: str) -> Any:
        """The element of the widget labelled ``label`` (a ``Button``, ``Slider``... proto)."""
        if label not in self.widgets:
            raise TabError(f"no widget labelled {label!r} on the page")
        return self.widgets[label]

    async def press(self, label: str) -> float:
        """Press a button (its trigger, in a rerun); returns when it was sent (``time.perf_counter``)."""
        return await self._rerun([WidgetState(id=self.widget(label).id, trigger_value=True)])

    async def rerun_with(self, state: WidgetState, timeout: float) -> float:
        """Set a widget's value and wait for the page's rerun to finish; returns the seconds it took."""
        self._values[state.id] = state
        before = self.full_runs
        sent = await self._rerun()
        await self.until(lambda: self.full_runs > before, timeout, "the rerun did not finish")
        return time.perf_counter() - sent

    def said(self, fragment: str, since: float = 0.0) -> float | None:
        """When the page first showed a text containing ``fragment`` at or after ``since``, if it did."""
        return next((at for at, text in self.texts if at >= since and fragment in text), None)

    async def until(self, condition: Callable[[], Any], timeout: float, what: str) -> None:
        """Wait until ``condition()`` holds; ``TabError`` naming ``what`` after ``timeout`` s or a closed connection."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: condition() or self.closed), timeout)
            except TimeoutError:
                raise TabError(f"{what} within {timeout:.0f} s") from None
        if not condition():
            raise TabError(f"{what}: the connection ended ({self.closed})")

    def _xsrf_token(self) -> str:
        request = urllib.request.Request(f"{self.base_url}/_stcore/health",
                                         headers={"Cookie": f"{IDENTITY_COOKIE}={self.identity}"})
        with _NO_PROXY.open(request, timeout=30) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name.strip() == XSRF_COOKIE:
                    return rest.split(";", 1)[0]
        raise TabError("the server set no XSRF cookie")

    async def _rerun(self, triggers: Iterable[WidgetState] = (), fragment_id: str = "") -> float:
        """Send a ``rerun_script`` as the frontend does: the URL's query, the page, every widget state set."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        if self._page_hash:
            state.page_script_hash = self._page_hash
        else:
            state.page_name = self.page  # the first request names the page by its URL path
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, True
        state.widget_states.widgets.extend([*self._values.values(), *triggers])
        state.cached_message_hashes.extend(self._cache)
        context = state.context_info
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url, context.color_scheme = f"{self.base_url}/{self.page}?{self.query}", "light"
        sent = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        return sent

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                message = ForwardMsg()
                message.ParseFromString(data)
                message = self._cached(message)
                if message is not None:
                    self._take(message)
                async with self._changed:
                    self._changed.notify_all()
            reason = "closed by the server"
        except ConnectionClosed as error:
            reason = f"closed: {error}"
        except Exception as error:  # noqa: BLE001 - whatever ends the reading is the tab's failure
            reason = f"{type(error).__name__}: {error}"
        self.closed = reason
        self._stop_timers()
        async with self._changed:
            self._changed.notify_all()

    def _cached(self, message: ForwardMsg) -> ForwardMsg | None:
        """The message itself, kept if cacheable; or, for a reference, the message it names."""
        if message.WhichOneof("type") == "ref_hash":
            kept = self._cache.get(message.ref_hash)
            if kept is None:
                self.tracebacks.append(f"the server referred to a message this tab does not have ({message.ref_hash})")
                return None
            original = ForwardMsg()
            original.CopyFrom(kept[1])
            original.metadata.CopyFrom(message.metadata)
            message = original
        if message.metadata.cacheable and message.hash:
            self._cache[message.hash] = (self._runs_ended, message)
        return message

    def _take(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._cache_age = message.new_session.config.max_cached_message_age or self._cache_age
            if not message.metadata.run.fragment_ids:  # a whole-page run: the frontend drops the last run's timers
                self._stop_timers()
        elif kind == "navigation" and message.navigation.page_script_hash:
            self._page_hash = message.navigation.page_script_hash  # the page shown (st.navigation's, by its hash)
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string  # the app wrote the URL; later reruns send it
        elif kind == "auto_rerun" and message.auto_rerun.fragment_id:
            self._start_timer(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self._stop_timers(fragment_id)
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self._runs_ended += 1  # the cache forgets what the last few whole-page runs did not use
                self._cache = {key: kept for key, kept in self._cache.items()
                               if self._runs_ended - kept[0] <= self._cache_age}
            if message.script_finished in FULL_RUN_ENDS:
                self.full_runs += 1
            elif message.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                self.fragment_runs += 1
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._element(message.delta.new_element)

    def _element(self, element: Any) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        if kind in ("alert", "markdown"):
            self.texts.append((time.perf_counter(), body.body))
        elif kind == "progress":
            self.texts.append((time.perf_counter(), body.text))
        elif kind == "exception" and not body.is_warning:
            self.tracebacks.append(f"{body.type}: {body.message}")
        identifier, label = getattr(body, "id", ""), getattr(body, "label", "")
        if identifier and label:
            self.widgets[label] = body

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        current = self._timers.get(fragment_id)
        if current is not None and current[0] == interval:
            return  # the frontend leaves a running countdown alone
        self._stop_timers(fragment_id)
        self._timers[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        try:
            while True:
                await asyncio.sleep(interval)
                await self._rerun(fragment_id=fragment_id)
        except ConnectionClosed:
            pass

    def _stop_timers(self, fragment_id: str | None = None) -> None:
        for key in [fragment_id] if fragment_id is not None else list(self._timers):
            timer = self._timers.pop(key, None)
            if timer is not None:
                timer[1].cancel()


@dataclass
class Training:
    """One student's training: when Train was pressed and the test accuracy shown (``perf_counter`` times)."""

    student: int
    pressed: float | None = None
    finished: float | None = None
    waited: bool = False  # it waited in the server's queue for a free training slot
    failure: str | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.finished is None or self.pressed is None else self.finished - self.pressed


async def train(tab: Tab, student: int, timeout: float, go: asyncio.Event | None = None) -> Training:
    """Press Train on an open tab (when ``go`` is set, if given) and read the progress until "Test accuracy:"."""
    result = Training(student)
    try:
        if go is not None:
            await go.wait()
        result.pressed = since = await tab.press("Train")
        await tab.until(lambda: tab.said("Test accuracy:", since) or tab.said("Cannot train", since) or tab.tracebacks,
                        timeout, "no test accuracy shown")
        result.waited = tab.said("Waiting for a free training slot", since) is not None
        if tab.tracebacks:
            result.failure = f"a traceback: {tab.tracebacks[0]}"
        elif tab.said("Test accuracy:", since) is None:
            result.failure = next(text for at, text in tab.texts if at >= since and "Cannot train" in text)
        else:
            result.finished = tab.said("Test accuracy:", since)
    except TabError as error:
        result.failure = str(error)
    return result


async def move_slider(tab: Tab, label: str, stop: asyncio.Event, every: float, timeout: float,
                      failures: list[str], moves: int | None = None) -> list[float]:
    """Move a slider one step and back, one move every ``every`` s until ``stop`` is set; each rerun's seconds.

    ``moves``, if given, also ends it after that many moves.
    A move starts once the one before has finished (a person waits for the page too); one
    that does not finish within ``timeout`` s is a failure.
    """
    slider = tab.widget(label)
    start = round((list(slider.value) or list(slider.default))[0], 10)
    other = round(start + slider.step if start + slider.step <= slider.max else start - slider.step, 10)
    seconds: list[float] = []
    while not stop.is_set() and (moves is None or len(seconds) < moves):
        began = time.perf_counter()
        target = other if len(seconds) % 2 == 0 else start
        try:
            seconds.append(await tab.rerun_with(
                WidgetState(id=slider.id, double_array_value=DoubleArray(data=[target])), timeout))
        except TabError as error:
            failures.append(f"idle student: moving {label!r}: {error}")
            return seconds
        try:
            await asyncio.wait_for(stop.wait(), max(0.0, every - (time.perf_counter() - began)))
        except TimeoutError:
            pass
    return seconds
