"""Every explorer of the built HTML book responds to its controls, in Chromium, offline.

The chapters show each explorer twice: live in Jupyter (ipywidgets, needs a kernel) and, for the
web book, precomputed by ``Explorer.to_html`` (``nnlib.explorers._render.StaticExplorer``): a
``<div class="nnlib-explorer">`` with range inputs and selects, the frames inline, and a small
script that shows the frame matching the controls.

The tests build the book into a temporary folder (``test_book``'s fixture), then:

1. every chapter with a live explorer has at least as many static explorers on its page as it
   builds explorers, and no page loads their script from anywhere (it is inline);
2. in headless Chromium, driven over the DevTools protocol with the network switched off, a real
   mouse drag along each explorer's sliders and a keyboard choice in its drop-downs: every control
   moved must change the frame shown, and for every explorer at least one must change the image.
   No request may leave file:/data:, and no script may throw.
"""

import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from test_book import REPO, book  # noqa: F401  (book is a fixture)
from test_book import chromium_path as chromium

EXPLORER_CLASS = "nnlib-explorer"


def chapters_with_explorers():
    """{page name: number of explorers its notebook builds} for every chapter that shows one live."""
    found = {}
    for path in sorted((REPO / "book").glob("*.ipynb")):
        if path.stem.startswith("appendix"):
            continue        # the API appendix documents the module; the review quiz is not an explorer
        nb = nbformat.read(path, as_version=4)
        count = 0
        for cell in nb.cells:
            if cell.cell_type != "code" or "remove-cell" in cell.metadata.get("tags", []):
                continue
            code = "\n".join(line for line in cell.source.splitlines()
                             if not line.lstrip().startswith(("from ", "import ", "#")))
            if "to_html" in code:
                continue
            count += len(re.findall(r"\b(?:\w+Explorer|\w+_explorer)\(", code))
        if count:
            found[path.stem] = count
    return found


def test_the_chapters_build_explorers():
    # if this fails, the way explorers are recognised in the notebooks has gone out of date
    assert len(chapters_with_explorers()) >= 8, chapters_with_explorers()


def test_every_chapter_with_a_live_explorer_has_html_explorers(book):  # noqa: F811
    missing = []
    for stem, count in chapters_with_explorers().items():
        page = book.html / "book" / f"{stem}.html"
        assert page.is_file(), f"no page {page}"
        shown = page.read_text(encoding="utf-8").count(f'class="{EXPLORER_CLASS}"')
        if shown < count:
            missing.append(f"{stem}: builds {count} explorer(s), the page shows {shown} static one(s)")
    assert not missing, ("chapters whose web page lacks a working explorer (apply the explorer cells "
                         "and re-execute the notebooks):\n" + "\n".join(missing))


# --------------------------------------------------------------------------------------------
# Chromium over the DevTools protocol
# --------------------------------------------------------------------------------------------


class DevTools:
    """A headless Chromium and one page, driven over the DevTools protocol (websocket-client)."""

    def __init__(self, profile):
        import websocket

        self.proc = subprocess.Popen(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", "--window-size=1280,2000", f"--user-data-dir={profile}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.time() + 60
        while not port_file.is_file() or not port_file.read_text().strip():
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"chromium did not start: {self.proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        # the control channel is loopback; the page itself gets no network (see offline())
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(e.get("method") == method for e in self.events):
                return
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(f"no {method} within {timeout} s")

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open_offline(self, url):
        self.call("Runtime.enable")
        self.call("Network.enable")
        self.call("Network.emulateNetworkConditions", offline=True, latency=0,
                  downloadThroughput=-1, uploadThroughput=-1)
        self.call("Page.enable")
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def mouse(self, kind, x, y, buttons):
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", buttons=buttons,
                  clickCount=1)

    def drag(self, box, start, end, steps=6):
        """Press at fraction ``start`` of the element's width, move to ``end``, release."""
        y = box["y"] + box["height"] / 2
        xs = [box["x"] + box["width"] * (start + (end - start) * k / steps) for k in range(steps + 1)]
        self.mouse("mousePressed", xs[0], y, 1)
        for x in xs[1:]:
            self.mouse("mouseMoved", x, y, 1)
        self.mouse("mouseReleased", xs[-1], y, 0)

    def key(self, name, code):
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=name, code=name, windowsVirtualKeyCode=code)

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=30)


STATE = """(() => {
  const root = document.querySelectorAll("div.nnlib-explorer")[%d];
  const img = root.querySelector("img.nnlib-explorer-figure");
  return {frame: root.dataset.frame || null, src: img.src.length + ":" + img.src.slice(-64),
          status: root.querySelector(".nnlib-explorer-status").textContent};
})()"""

CONTROL_BOX = """(() => {
  const root = document.querySelectorAll("div.nnlib-explorer")[%d];
  const el = root.querySelectorAll("[data-control]")[%d];
  el.scrollIntoView({block: "center"});
  const r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), x: r.x, y: r.y, width: r.width, height: r.height,
          value: el.value, max: el.max || null, disabled: el.disabled};
})()"""


@pytest.mark.parametrize("stem", sorted(chapters_with_explorers()))
def test_html_explorers_respond_to_the_mouse_offline(book, stem, tmp_path):  # noqa: F811
    page = book.html / "book" / f"{stem}.html"
    n = page.read_text(encoding="utf-8").count(f'class="{EXPLORER_CLASS}"')
    assert n, f"{stem}.html has no {EXPLORER_CLASS} (apply the explorer cells and re-execute the notebooks)"
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open_offline(page.as_uri())
        problems = []
        for k in range(n):
            first = browser.js(STATE % k)
            if first["frame"] is None:
                problems.append(f"explorer {k}: its script did not run (no frame shown)")
                continue
            if not first["status"].strip():
                problems.append(f"explorer {k}: empty status line")
            image_changed = False
            n_controls = browser.js(
                f'document.querySelectorAll("div.nnlib-explorer")[{k}].querySelectorAll("[data-control]").length')
            for c in range(n_controls):
                box = browser.js(CONTROL_BOX % (k, c))
                if box["disabled"]:
                    # a control that does nothing for these settings (leaky ReLU's alpha when the
                    # activation is another) is disabled: it must not move, and some choice in the
                    # explorer's drop-downs must enable it
                    before = browser.js(STATE % k)
                    browser.drag(box, 0.2, 0.9)
                    if browser.js(STATE % k)["frame"] != before["frame"]:
                        problems.append(f"explorer {k}, control {c}: disabled, yet dragging it changed the frame")
                    if not enable(browser, k, c, n_controls):
                        problems.append(f"explorer {k}, control {c}: disabled whatever the drop-downs say")
                        continue
                    box = browser.js(CONTROL_BOX % (k, c))
                before = browser.js(STATE % k)
                if box["tag"] == "input":
                    # a drag from a fifth of the way along the slider to nine tenths
                    browser.drag(box, 0.2, 0.9)
                    if browser.js(STATE % k)["frame"] == before["frame"]:
                        browser.drag(box, 0.9, 0.05)     # the slider was there already: drag back
                else:
                    browser.js(f'document.querySelectorAll("div.nnlib-explorer")[{k}]'
                               f'.querySelectorAll("[data-control]")[{c}].focus()')
                    browser.key("ArrowDown", 40)
                after = browser.js(STATE % k)
                if after["frame"] == before["frame"]:
                    problems.append(f"explorer {k}, control {c} ({box['tag']}): the shown frame did not change")
                image_changed |= after["src"] != before["src"]
            if not image_changed:
                problems.append(f"explorer {k}: no control changed the figure")
        requests = [e["params"]["request"]["url"] for e in browser.events
                    if e.get("method") == "Network.requestWillBeSent"]
        remote = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
        errors = exceptions(browser.events)
        # errors the theme's own scripts raise on a page without explorers are not the explorers'
        browser.events.clear()
        browser.open_offline((book.html / "book" / "intro.html").as_uri())
        errors = [e for e in errors if e not in set(exceptions(browser.events))]
    finally:
        browser.close()
    assert not problems, f"{stem}.html:\n" + "\n".join(problems)
    assert not remote, f"{stem}.html requested from the network: {remote[:10]}"
    assert not errors, f"{stem}.html: script errors: {errors[:5]}"


def enable(browser, k, c, n_controls):
    """Press ArrowDown in explorer k's drop-downs (each through all its options) until control c is
    enabled; True once it is."""
    for other in range(n_controls):
        box = browser.js(CONTROL_BOX % (k, other))
        if box["tag"] != "select" or other == c:
            continue
        options = browser.js(f'document.querySelectorAll("div.nnlib-explorer")[{k}]'
                             f'.querySelectorAll("[data-control]")[{other}].options.length')
        for _ in range(options):
            browser.js(f'document.querySelectorAll("div.nnlib-explorer")[{k}]'
                       f'.querySelectorAll("[data-control]")[{other}].focus()')
            browser.key("ArrowDown", 40)
            if not browser.js(CONTROL_BOX % (k, c))["disabled"]:
                return True
    return False


def exceptions(events):
    """The texts of the uncaught script exceptions among DevTools ``events``."""
    return [e["params"]["exceptionDetails"].get("text", "") + " " +
            str(e["params"]["exceptionDetails"].get("exception", {}).get("description", ""))
            for e in events if e.get("method") == "Runtime.exceptionThrown"]
