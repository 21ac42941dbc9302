"""Two chapters in real JupyterLab, in headless Chromium: a reader's Run All works.

What a reader of the notebooks meets is JupyterLab, not the HTML book. This test starts
``jupyter lab`` (from this environment) on a free local port with a throw-away configuration (no
token, no browser, its own settings, workspaces and runtime folders, the app object exposed to the
page), copies two chapters into a temporary folder (nothing is saved over the repository's
notebooks), opens each in headless Chromium driven over the DevTools protocol (as
``test_book_explorers`` does), and checks:

1. before anything runs: no output shows a widget as text (``VBox(children=...``); the explorers'
   stored outputs show their one-line plain-text form instead, and every precomputed web copy is
   folded (JupyterLab does not run its script);
2. the MyST boxes and roles are rendered (jupyterlab-myst): as many admonitions as the source has,
   and no raw ``:::{`` / ```` ```{ ```` fence or ``{py:mod}`` role left in the rendered Markdown;
3. after Run All (``notebook:run-all-cells``) every code cell has run, no output is an error or
   stderr, and every explorer shows as a widget (no widget shown as text);
4. the live figure is drawn at the size it is shown (twice as many image pixels as CSS pixels, for
   HiDPI screens, not stretched), no slider readout is cut off, and one explorer update (a key
   press in its first drop-down or slider) changes the picture.

It needs Chromium; outside CI it is skipped, with the reason, where Chromium is missing (under
CI=true it fails instead, as the book tests do). It takes about a minute.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_book import REPO, chromium_path
from test_book_explorers import DevTools

# A MyST box in a Markdown cell's source (a fenced directive)
BOX = r"^(?:```+|:::+)\{(?:admonition|note|tip|warning|important)\}"
CHAPTERS = ["book/02_activations.ipynb", "book/06_backprop_worked_examples.ipynb"]
# A cell running longer than this, or a kernel that never goes idle, fails the test.
RUN_TIMEOUT = 240


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    chromium_path()                   # skip (or fail under CI) before starting anything
    pytest.importorskip("jupyterlab")
    root = tmp_path_factory.mktemp("lab")
    work = root / "work"
    for chapter in CHAPTERS:
        (work / chapter).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / chapter, work / chapter)
    config = root / "config"
    config.mkdir()
    # Autosave off: nothing the test does is written back, even to the copies.
    settings = root / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    # Every cell in the page (JupyterLab 4 otherwise attaches only the cells near the viewport).
    notebook = root / "settings" / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No "get notified about Jupyter news?" toast (and no request for the news).
    news = root / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(root / "runtime"),
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               MPLBACKEND="agg")
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
         "--LabApp.extension_manager=readonly", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={root / 'settings'}", f"--LabApp.workspaces_dir={root / 'workspaces'}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--ServerApp.open_browser=False"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/api/status", timeout=5).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("jupyter lab did not start:\n" + (root / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
    yield url, root
    # stop the kernels, then the server
    try:
        for kernel in json.load(urllib.request.urlopen(url + "/api/kernels", timeout=10)):
            request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}", method="DELETE")
            urllib.request.urlopen(request, timeout=10)
    except OSError:
        pass
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


# The notebook panel JupyterLab shows, its cells' models and their rendered nodes.
PANEL = "(() => { const app = window.jupyterapp; if (!app) return null; " \
        "return Array.from(app.shell.widgets('main')).find(w => w.context && w.content && w.content.widgets " \
        "&& w.context.path === window.nnlibChapter) || null; })()"

STATE = """(() => {
  const panel = %s;
  if (!panel || !panel.context.isReady) return {ready: false};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets;
  const code = cells.filter(c => c.model.type === "code");
  return {ready: true, kernel: kernel ? kernel.status : null, cells: cells.length, code: code.length,
          failed: code.some(c => (c.model.sharedModel.outputs || []).some(o => o.output_type === "error")),
          run: code.filter(c => c.model.executionCount !== null).length,
          pending: code.filter(c => c.node.querySelector(".jp-InputArea-prompt") &&
                                    c.node.querySelector(".jp-InputArea-prompt").textContent.includes("*")).length};
})()""" % PANEL

# Everything the checks need, read from the page: outputs (as text and as their mime types), the
# rendered Markdown, the explorers' images, the readouts and the web copies' folds.
SURVEY = """(() => {
  const panel = %s;
  const cells = panel.content.widgets;
  const outputs = [], markdown = [];
  cells.forEach((cell, i) => {
    if (cell.model.type === "code") {
      const json = cell.model.sharedModel.outputs || [];
      for (const o of json) {
        outputs.push({cell: i, type: o.output_type, name: o.name || null,
                      ename: o.ename || null, evalue: o.evalue || null,
                      text: (o.text ? [].concat(o.text).join("") : "").slice(0, 300)});
      }
      const shown = cell.node.querySelector(".jp-OutputArea");
      if (shown) {
        for (const node of shown.querySelectorAll(".jp-OutputArea-output")) {
          outputs.push({cell: i, type: "shown", mime: node.dataset.mimeType || null,
                        text: node.innerText.slice(0, 300)});
        }
      }
    } else if (cell.model.type === "markdown") {
      const rendered = cell.node.querySelector(".jp-MarkdownOutput, .jp-RenderedMarkdown, .myst");
      markdown.push({cell: i, text: rendered ? rendered.innerText : cell.node.innerText,
                     admonitions: cell.node.querySelectorAll(".myst-admonition").length,
                     source: cell.model.sharedModel.getSource()});
    }
  });
  const images = [...panel.node.querySelectorAll("img.widget-image")].map(img => ({
    natural: img.naturalWidth, shown: img.getBoundingClientRect().width, src: img.src.length + ":" + img.src.slice(-40)}));
  const readouts = [...panel.node.querySelectorAll(".widget-readout")].filter(r => r.offsetParent).map(r => ({
    text: r.textContent, scroll: r.scrollWidth, client: r.clientWidth}));
  const folds = [...panel.node.querySelectorAll("details.nnlib-explorer-fold")].map(d => d.open);
  const webBodies = [...panel.node.querySelectorAll(".nnlib-explorer-body")].map(b => b.checkVisibility());
  return {outputs, markdown, images, readouts, folds, webBodies, dpr: window.devicePixelRatio};
})()""" % PANEL


def wait(browser, expression, predicate, timeout, what):
    deadline = time.time() + timeout
    value = None
    while time.time() < deadline:
        try:
            value = browser.js(expression)
        except RuntimeError:
            value = None
        if value is not None and predicate(value):
            return value
        time.sleep(0.5)
    raise TimeoutError(f"{what}: not reached in {timeout} s (last: {str(value)[:500]})")


def widget_text(text):
    return bool(re.search(r"\b[HV]Box\(children=|\b(?:Image|Dropdown|FloatSlider|IntSlider)\(", text or ""))


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    url, root = lab
    devtools = DevTools(tmp_path_factory.mktemp("chromium-lab"))
    devtools.call("Runtime.enable")
    devtools.call("Page.enable")
    devtools.call("Network.enable")
    devtools.call("Emulation.setFocusEmulationEnabled", enabled=True)
    yield devtools
    devtools.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapter_runs_in_jupyterlab(lab, browser, chapter, tmp_path):
    url, root = lab
    browser.events.clear()
    browser.call("Page.navigate", url=f"{url}/lab/tree/{chapter}")
    wait(browser, "!!window.jupyterapp", bool, 120, "JupyterLab's page")
    browser.js(f"window.nnlibChapter = {json.dumps(chapter)}")
    opened = wait(browser, STATE, lambda s: s.get("ready") and s.get("kernel") == "idle", 120,
                  f"{chapter}: the notebook open with an idle kernel")
    # let the Markdown renderers finish: as many MyST boxes as the source has, or a minute
    nb = json.loads((REPO / chapter).read_text(encoding="utf-8"))
    expected = sum(len(re.findall(BOX, "".join(cell["source"]), re.M)) for cell in nb["cells"]
                   if cell["cell_type"] == "markdown")
    try:
        wait(browser, f"{PANEL}.node.querySelectorAll('.myst-admonition').length", lambda n: n >= expected,
             60, "the MyST boxes")
    except TimeoutError:
        pass                          # reported below, cell by cell
    time.sleep(1)
    before = browser.js(SURVEY)
    problems = []

    # 1. not yet run
    as_text = [o for o in before["outputs"] if o["type"] == "shown" and widget_text(o["text"])]
    problems += [f"before running, cell {o['cell']} shows a widget as text: {o['text'][:120]!r}" for o in as_text]
    friendly = [o for o in before["outputs"] if o["type"] == "shown" and "to use the explorer" in (o["text"] or "")]
    if not friendly:
        problems.append("before running, no explorer shows its one-line plain-text form")
    if not before["folds"] or any(before["folds"]) or any(before["webBodies"]):
        problems.append(f"before running, the web copies are not all folded: open={before['folds']}, "
                        f"body shown={before['webBodies']}")

    # 2. MyST rendered
    # (jupyterlab-myst draws an admonition as <aside class="myst-admonition ...">, a collapsed one as <details>)
    source_boxes = shown_boxes = 0
    for m in before["markdown"]:
        wanted = len(re.findall(BOX, m["source"], re.M))
        source_boxes += wanted
        shown_boxes += m["admonitions"]
        if m["admonitions"] < wanted:
            problems.append(f"cell {m['cell']}: {m['admonitions']} MyST boxes rendered, its source has {wanted}")
        if re.search(r"(?:```|:::)\{\w+\}|\{py:\w+\}`", m["text"]):
            problems.append(f"cell {m['cell']}: MyST shown raw: {m['text'][:100]!r}")
    if not source_boxes:
        problems.append(f"{chapter} has no MyST admonition to check (pick another chapter)")

    # 3. Run All
    start = time.time()
    browser.js("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    done = wait(browser, STATE,
                # Run All stops at a cell that raises: then the error is reported below
                lambda s: s.get("ready") and (s["run"] == s["code"] or s["failed"]) and s["pending"] == 0
                and s["kernel"] == "idle",
                RUN_TIMEOUT, f"{chapter}: Run All")
    seconds = time.time() - start
    time.sleep(1.5)
    after = browser.js(SURVEY)
    if done["run"] < done["code"]:
        problems.append(f"Run All ran {done['run']} of {done['code']} code cells")
    errors = [o for o in after["outputs"] if o["type"] == "error"]
    problems += [f"cell {o['cell']}: {o['ename']}: {o['evalue']}" for o in errors]
    stderr = [o for o in after["outputs"] if o["type"] == "stream" and o["name"] == "stderr"]
    problems += [f"cell {o['cell']}: stderr {o['text'][:200]!r}" for o in stderr]
    as_text = [o for o in after["outputs"] if o["type"] == "shown" and widget_text(o["text"])]
    problems += [f"after Run All, cell {o['cell']} shows a widget as text: {o['text'][:120]!r}" for o in as_text]
    if not after["images"]:
        problems.append("after Run All, no explorer figure (img.widget-image) is shown")

    # 4. the figure's size, the readouts, one update
    for image in after["images"]:
        ratio = image["natural"] / max(image["shown"], 1)
        if abs(ratio - 2.0) > 0.05:
            problems.append(f"an explorer figure {image['natural']} px wide is shown {image['shown']:.0f} CSS px "
                            f"wide: {ratio:.2f} image pixels per CSS pixel, not 2 (stretched or shrunk)")
    problems += [f"a slider readout is cut off: {r['text']!r} needs {r['scroll']} px, has {r['client']}"
                 for r in after["readouts"] if r["scroll"] > r["client"] + 1]
    update_ms = explorer_update(browser, after["images"][0]["src"] if after["images"] else None, problems)
    offsite = sorted({e["params"]["request"]["url"] for e in browser.events
                      if e.get("method") == "Network.requestWillBeSent"
                      and not e["params"]["request"]["url"].startswith((url, "data:", "blob:", "about:", "ws://127.0.0.1"))})
    problems += [f"a request left the machine: {u}" for u in offsite[:5]]
    shot = browser.call("Page.captureScreenshot", format="png")
    import base64
    (root / (Path(chapter).stem + ".png")).write_bytes(base64.b64decode(shot["data"]))
    print(f"\n{chapter} in JupyterLab: Run All {seconds:.1f} s ({done['code']} code cells), "
          f"one explorer update {update_ms:.0f} ms from key press to new picture; screenshot {root}")
    assert not problems, f"{chapter} in JupyterLab:\n" + "\n".join(problems)


# The first explorer's first drop-down, or else its first slider's handle, centred in the window.
FIND = """(() => {
  const panel = %s;
  const box = panel.node.querySelector("img.widget-image").closest(".widget-vbox");
  const select = box.querySelector("select:not([disabled])");
  if (select) { select.scrollIntoView({block: "center"}); window.nnlibControl = select; return {tag: "select"}; }
  const handle = [...box.querySelectorAll(".widget-slider .noUi-handle")].find(h => !h.closest("[disabled]"));
  if (!handle) return null;
  handle.scrollIntoView({block: "center"});
  const r = handle.getBoundingClientRect();
  return {tag: "slider", x: r.x + r.width / 2, y: r.y + r.height / 2};
})()""" % PANEL

IMAGE = f"(() => {{ const img = {PANEL}.node.querySelector('img.widget-image'); " \
        "return img ? img.src.length + ':' + img.src.slice(-40) : null; })()"


def explorer_update(browser, before, problems):
    """Change the first explorer's first control as a reader would; the milliseconds until the
    picture changed. A slider is dragged with the mouse. A drop-down is chosen from in the page
    (its next option, then the change event a reader's choice fires): headless Chromium draws no
    drop-down list to click, and a key press goes to JupyterLab's own shortcuts first."""
    if before is None:
        return float("nan")
    control = browser.js(FIND)
    if control is None:
        problems.append("the first explorer has no drop-down or slider")
        return float("nan")
    start = time.time()
    if control["tag"] == "select":
        browser.js("(() => { const s = window.nnlibControl; s.selectedIndex = (s.selectedIndex + 1) % s.options.length; "
                   "s.dispatchEvent(new Event('change', {bubbles: true})); })()")
    else:
        x, y = control["x"], control["y"]
        browser.mouse("mousePressed", x, y, 1)
        for step in range(1, 7):
            browser.mouse("mouseMoved", x + 10 * step, y, 1)
        browser.mouse("mouseReleased", x + 60, y, 0)
    try:
        wait(browser, IMAGE, lambda src: src != before, 30, f"the explorer's picture to change after a {control['tag']} moved")
    except TimeoutError as error:
        problems.append(str(error))
    return (time.time() - start) * 1000
