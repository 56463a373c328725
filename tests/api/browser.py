"""A minimal headless-Chromium driver over the DevTools protocol (a pipe, no extra packages).

Enough to load pages of a live test server, run a line of JavaScript and wait for the page to
change: it drives our own JS the way a user's browser would, under the real CSP.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from typing import Any

from werkzeug.serving import make_server


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are above fd 4, so moving them onto 3 and 4 cannot clobber each other."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD, 10))
        os.close(fd)
    return ends[0], ends[1]


class LiveServer:
    """The app served on a free local port from a background thread."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()


class Browser:
    """One headless Chromium page, driven through --remote-debugging-pipe."""

    def __init__(self, binary: str) -> None:
        commands_read, self._commands = _high_pipe()
        self._events, events_write = _high_pipe()
        self.profile = tempfile.mkdtemp(prefix="chromium-test-")
        flags = ["--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                 "--no-first-run", "--disable-extensions", f"--user-data-dir={self.profile}", "about:blank"]
        # DevTools reads commands on fd 3 and writes answers to fd 4 (bash: dash cannot redirect fds >= 10).
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$0" "$@" 3<&{commands_read} 4>&{events_write}', binary, *flags],
            pass_fds=(commands_read, events_write), stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.profile, "stderr.log"), "wb"))  # noqa: SIM115 - closed with the process
        os.close(commands_read)
        os.close(events_write)
        self._buffer, self._next_id, self.session = b"", 0, None
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def send(self, method: str, **params: Any) -> dict:
        """Send one command and return its result (events in between are dropped)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        try:
            os.write(self._commands, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise RuntimeError(f"Chromium exited ({self.process.poll()}): {self.log()[-2000:]}") from None
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._events, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 15.0) -> Any:
        """Poll ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:  # the page is between two documents
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"still false after {seconds}s: {expression}")

    def open(self, url: str) -> None:
        """Navigate and wait until the page has loaded."""
        self.send("Page.navigate", url=url)
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def log(self) -> str:
        """What Chromium wrote to stderr."""
        with open(os.path.join(self.profile, "stderr.log"), errors="replace") as handle:
            return handle.read()

    def close(self) -> None:
        """Quit Chromium."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._commands)
        os.close(self._events)
        shutil.rmtree(self.profile, ignore_errors=True)
