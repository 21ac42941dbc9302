"""The book builds offline, cleanly, and every page it produces holds together.

The fixture below builds the whole book once per test session, from a clean state, into a
temporary folder, with warnings as errors:

    jupyter-book build <repo> --path-output <tmp> -W -n --keep-going

The tests then check what Sphinx itself does not:

1. every entry of _toc.yml produced an HTML page, every notebook page offers the notebook for
   download, every notebook in the book is stored executed (one fresh run, counts 1, 2, ...),
   and the intro's chapter table links every chapter of _toc.yml;
2. every relative href/src and every #anchor in every page resolves;
3. no page loads a script or a stylesheet from the network, and no page embeds a widget (it would
   be a dead control in a static page);
4. every page in headless Chromium, at a desktop width (1280 px) and a phone width (390 px):
   MathJax (served from the book itself) typeset the math, no page scrolls sideways and no element is
   wider than the window, no display equation is wider than its column, the console shows no error,
   and no request leaves the machine;
5. the site stays under SITE_LIMIT_MB (its size is printed in the terminal summary), and every
   public nnlib module appears on a page of the API reference;
6. (issue 25) axe-core, vendored in tests/vendor/axe-core, finds no serious or critical violation
   on any page; no chapter page loads more than PAGE_LIMIT_BYTES (the heaviest pages' bytes are
   printed); only search.html loads the search index; every page has a favicon; no <img> has a file
   name as its alt text (the chapters still listed in PENDING_ALT_TEXT_PAGES aside).

The clean build's duration is printed (run pytest with -s to see it) and shown in the terminal
summary. Building takes about 15 s, loading every page in Chromium about three minutes: the notebooks are not executed (`execute_notebooks: "off"`),
nbval checks their stored outputs separately.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]

# Pages whose math the browser test checks: the intro's notation table and the model chapter.
MATH_PAGES = ["book/intro", "book/05_backpropagation"]

# Flags for headless Chromium, from the project's TOOLCHAIN notes. --user-data-dir is added per run.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=10000",
    "--dump-dom",
]

# jupyter-book has no `python -m jupyter_book`; calling its CLI through this interpreter makes sure
# the build uses the same environment as the tests.
JUPYTER_BOOK = [
    sys.executable,
    "-c",
    "import sys; from jupyter_book.cli.main import main; sys.argv[0] = 'jupyter-book'; sys.exit(main())",
]


# --------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------


class BuiltBook:
    """Where the build put the HTML, and what it printed."""

    def __init__(self, html, seconds, output):
        self.html = html
        self.seconds = seconds
        self.output = output

    def pages(self):
        """Every HTML page of the site (Sphinx's own copies of sources and static assets excluded)."""
        skip = {"_static", "_sources", "_images"}
        return sorted(
            p for p in self.html.rglob("*.html") if not skip.intersection(p.relative_to(self.html).parts[:1])
        )


@pytest.fixture(scope="session")
def book(tmp_path_factory, request):
    out = tmp_path_factory.mktemp("book-build")
    # A new, empty folder: no doctrees or HTML from an earlier build can hide a warning.
    assert not any(out.iterdir()), f"the build folder {out} is not empty"
    cmd = JUPYTER_BOOK + ["build", str(REPO), "--path-output", str(out), "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    output = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)  # no terminal colours
    # Sphinx repeats the warnings at the end: list each once, in order.
    problems = list(dict.fromkeys(line for line in output.splitlines() if "WARNING" in line or "ERROR" in line))
    assert proc.returncode == 0, (
        f"`jupyter-book build . -W -n --keep-going` failed (exit {proc.returncode}) after {seconds:.1f} s. "
        f"Warnings and errors:\n" + "\n".join(problems[:60]) + f"\n\nEnd of the output:\n{output[-2500:]}"
    )
    html = out / "_build" / "html"
    # The build really went to the temporary folder, doctrees included (so it was clean).
    assert (html / "index.html").is_file(), f"no {html / 'index.html'}; build output:\n{output[-3000:]}"
    assert (out / "_build" / ".doctrees").is_dir(), "the doctrees were not written under --path-output"
    request.config.book_build_seconds = seconds
    print(f"\nclean book build: {seconds:.1f} s (jupyter-book build -W -n --keep-going)")
    return BuiltBook(html, seconds, output)


def toc_entries():
    """The `file:` entries of _toc.yml (root first), as paths without extension."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                entries.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)

    walk(toc)
    return [str(Path(e).with_suffix("")) if Path(e).suffix in {".md", ".ipynb"} else e for e in entries]


def source_of(entry):
    """The source file of a toc entry: NAME.md or NAME.ipynb."""
    for suffix in (".md", ".ipynb"):
        if (REPO / (entry + suffix)).is_file():
            return REPO / (entry + suffix)
    return None


# --------------------------------------------------------------------------------------------
# Parsing pages with the standard library
# --------------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects a page's element ids, its links (href/src) and its script and stylesheet tags."""

    LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src", "source": "src"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (tag, url)
        self.scripts = []  # src of every <script src>
        self.stylesheets = []  # href of every <link rel="stylesheet">
        self.script_types = []  # type of every <script>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        attr = self.LINK_ATTRS.get(tag)
        if attr and attrs.get(attr) is not None:
            self.links.append((tag, attrs[attr]))
        if tag == "script":
            self.script_types.append(attrs.get("type") or "")
            if attrs.get("src") is not None:
                self.scripts.append(attrs["src"])
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs.get("href") or "")

    handle_startendtag = handle_starttag


_parsed = {}


def parse(path):
    if path not in _parsed:
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        _parsed[path] = parser
    return _parsed[path]


def is_external(url):
    url = url.strip()
    return url.startswith("//") or bool(urlsplit(url).scheme)


def is_network(url):
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//"))


# --------------------------------------------------------------------------------------------
# 1. Every toc entry has a page
# --------------------------------------------------------------------------------------------


def test_every_toc_entry_has_a_source_file():
    missing = [e for e in toc_entries() if source_of(e) is None]
    assert not missing, f"_toc.yml lists files that do not exist (as .md or .ipynb): {missing}"


def test_the_intro_links_every_chapter_in_the_toc():
    # The intro's chapter table is the reader's map: a chapter added to _toc.yml gets its link there.
    intro = source_of(toc_entries()[0]).read_text(encoding="utf-8")
    chapters = [Path(e).name for e in toc_entries() if re.fullmatch(r"book/\d\d_\w+", e)]
    assert chapters, "_toc.yml lists no chapter (book/NN_topic)"
    missing = [name for name in chapters if f"({name}.ipynb" not in intro]
    assert not missing, f"book/intro.md does not link these chapters of _toc.yml: {missing}"


def test_notebooks_in_the_book_are_stored_executed():
    # The book shows the stored outputs, and nbval does not compare a cell stored unexecuted.
    # So every code cell of a chapter, appendix or solution must carry the output of one fresh
    # top-to-bottom run: execution counts 1, 2, 3, ... (as tools/execute_notebooks.py stores
    # them), and the kernel's language_info.
    problems = []
    for entry in toc_entries():
        source = source_of(entry)
        if source is None or source.suffix != ".ipynb" or entry.startswith("exercises/"):
            continue  # exercises are student stubs: their answer cells are stored unexecuted
        nb = json.loads(source.read_text(encoding="utf-8"))
        counts = [
            cell.get("execution_count")
            for cell in nb["cells"]
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
        ]
        if counts != list(range(1, len(counts) + 1)):
            unexecuted = sum(count is None for count in counts)
            problems.append(
                f"{source.relative_to(REPO)}: not stored from one fresh run ({unexecuted} of {len(counts)} "
                f"code cells unexecuted, counts {counts[:8]}...); "
                f"run `python tools/execute_notebooks.py {source.relative_to(REPO)}`"
            )
        if not nb.get("metadata", {}).get("language_info"):
            problems.append(f"{source.relative_to(REPO)}: no language_info in the notebook metadata (never executed?)")
    assert not problems, "\n".join(problems)


def test_no_print_is_stored_split_over_two_stream_outputs():
    # myst-nb strips each stream output and joins them with a line break, so a print that the
    # kernel sent in two pieces ("W[1]: (4, 5)" + "\nW[2]: ...") shows on the page broken over two
    # lines, or with a blank line inside a table. tools/execute_notebooks.py stores them joined.
    problems = []
    for entry in toc_entries():
        source = source_of(entry)
        if source is None or source.suffix != ".ipynb":
            continue
        nb = json.loads(source.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            outputs = cell.get("outputs", [])
            for first, second in zip(outputs, outputs[1:]):
                if first["output_type"] == second["output_type"] == "stream" and first["name"] == second["name"]:
                    problems.append(f"{source.relative_to(REPO)} cell {index}: two consecutive {first['name']} outputs")
                    break
    assert not problems, ("stored split streams; run `python tools/execute_notebooks.py "
                          "--merge-streams-only NOTEBOOK`:\n" + "\n".join(problems))


def test_solutions_come_after_the_exercises_and_the_class_edition_leaves_them_out():
    # _toc.yml: a part captioned "Solutions", right after "Exercises", one solution per exercise set,
    # each titled "Chapter N solutions". _toc_class.yml (`jupyter-book build . --toc _toc_class.yml`)
    # is the same book without that part.
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    class_toc = yaml.safe_load((REPO / "_toc_class.yml").read_text(encoding="utf-8"))
    captions = [part["caption"] for part in toc["parts"]]
    assert "Solutions" in captions and "Exercises" in captions, f"_toc.yml parts: {captions}"
    assert captions.index("Solutions") == captions.index("Exercises") + 1, f"Solutions must follow Exercises: {captions}"
    solutions = toc["parts"][captions.index("Solutions")]["chapters"]
    exercises = toc["parts"][captions.index("Exercises")]["chapters"]
    assert [Path(s["file"]).name for s in solutions] == [Path(e["file"]).name for e in exercises]
    for entry in solutions:
        assert entry["file"].startswith("solutions/"), entry
        assert re.fullmatch(r"Chapter \d+ solutions", entry.get("title", "")), f"{entry}: title 'Chapter N solutions'"
    without = {**toc, "parts": [part for part in toc["parts"] if part["caption"] != "Solutions"]}
    assert class_toc == without, "_toc_class.yml is not _toc.yml without its Solutions part"


def test_every_toc_entry_produced_a_page(book):
    entries = toc_entries()
    missing = [e for e in entries if not (book.html / (e + ".html")).is_file()]
    assert not missing, f"no HTML page for these _toc.yml entries: {missing}"
    # index.html leads to the root page.
    assert Path(toc_entries()[0]).name + ".html" in (book.html / "index.html").read_text(encoding="utf-8")


def test_notebook_pages_offer_the_notebook_for_download(book):
    problems = []
    for entry in toc_entries():
        source = source_of(entry)
        if source is None or source.suffix != ".ipynb":
            continue
        page = book.html / (entry + ".html")
        wanted = f"_sources/{entry}.ipynb"
        hrefs = [url for tag, url in parse(page).links if tag == "a"]
        if not any(urlsplit(h).path.endswith(wanted) for h in hrefs):
            problems.append(f"{entry}.html has no download link to {wanted}")
        elif not (book.html / wanted).is_file():
            problems.append(f"{wanted} was not copied into the site")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# 2. Every relative link, image and anchor resolves
# --------------------------------------------------------------------------------------------


def test_every_relative_link_and_anchor_resolves(book):
    root = book.html.resolve()
    broken = []
    checked = 0
    for page in book.pages():
        for tag, url in parse(page).links:
            url = url.strip()
            if not url or url == "#" or is_external(url):
                continue
            parts = urlsplit(url)
            path, fragment = unquote(parts.path), unquote(parts.fragment)
            target = (page.parent / path).resolve() if path else page.resolve()
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(book.html)}: <{tag}> {url}"
            checked += 1
            if root not in target.parents:
                broken.append(f"{where} -> points outside the site")
            elif not target.is_file():
                broken.append(f"{where} -> no file {target.relative_to(root)}")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{where} -> no element with id '{fragment}' in {target.relative_to(root)}")
    assert checked > 0, "no relative links found: the parser or the build is broken"
    assert not broken, f"{len(broken)} broken relative links or anchors:\n" + "\n".join(broken)


# --------------------------------------------------------------------------------------------
# 3. Nothing from the network, no dead widgets
# --------------------------------------------------------------------------------------------


def test_no_page_loads_a_script_or_stylesheet_from_the_network(book):
    found = []
    pages = book.pages()
    assert pages, "the build produced no pages"
    for page in pages:
        parsed = parse(page)
        name = page.relative_to(book.html)
        found += [f"{name}: <script src={src}>" for src in parsed.scripts if is_network(src)]
        found += [f"{name}: <link rel=stylesheet href={href}>" for href in parsed.stylesheets if is_network(href)]
    assert not found, "pages load from the network:\n" + "\n".join(found)


def test_no_stylesheet_imports_from_the_network(book):
    found = []
    for css in book.html.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace").lower()
        for marker in ("url(http", "url('http", 'url("http', "url(//", "@import 'http", '@import "http'):
            if marker in text:
                found.append(f"{css.relative_to(book.html)}: {marker}")
    assert not found, "stylesheets fetch from the network:\n" + "\n".join(found)


def test_no_page_embeds_widgets(book):
    # A stored ipywidgets view or state renders as a control with no kernel behind it. Explorer
    # cells are tagged remove-output and notebooks store no widget state (see CONTRIBUTING.md).
    found = []
    for page in book.pages():
        text = page.read_text(encoding="utf-8")
        for mime in ("application/vnd.jupyter.widget-state+json", "application/vnd.jupyter.widget-view+json"):
            if mime in text:
                found.append(f"{page.relative_to(book.html)}: {mime}")
    assert not found, "pages embed ipywidgets (dead controls in HTML):\n" + "\n".join(found)


# --------------------------------------------------------------------------------------------
# 4. Math renders in a browser, offline
# --------------------------------------------------------------------------------------------



# --------------------------------------------------------------------------------------------
# 5. Every page in a browser, at a desktop and a phone width
# --------------------------------------------------------------------------------------------
#
# Headless Chromium is driven through the DevTools protocol over a pipe (--remote-debugging-pipe:
# JSON messages separated by NUL bytes on file descriptors 3 and 4), so the test needs nothing but
# the standard library and the browser. For every page and width it records the console errors,
# the uncaught exceptions, every request (none may leave the machine) and, once MathJax has
# typeset the page, what sticks out: elements wider than the viewport and display equations
# wider than the box they sit in.

WIDTHS = (1280, 390)

# Runs in the page once it has loaded. Returns what the tests check; every entry names the element
# (tag, classes, the TeX of an equation) so that a failure says where to look.
MEASURE_JS = r"""
(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  if (document.fonts && document.fonts.ready) { await document.fonts.ready; }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const vw = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const path = el => { const parts = []; for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e)); return parts.join(" > "); };
  const visible = el => { const cs = getComputedStyle(el); return cs.display !== "none" && cs.visibility !== "hidden"; };
  // Content inside a box that scrolls or clips on its own (a code cell's long line, a wide table in
  // its scroll container) may be wider: that box is itself an element, and checked like any other.
  const insideScrollBox = el => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > vw + 1 && visible(el) && !insideScrollBox(el)) wide.push({element: path(el), width: Math.round(r.width)});
  }
  const tex = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) tex.set(item.typesetRoot, item.math);
  }
  const clipped = [], scaled = [];
  let equations = 0;
  for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
    equations += 1;
    const math = m.querySelector("mjx-math");
    const needed = math ? Math.floor(math.getBoundingClientRect().width) : m.scrollWidth;
    const boxes = [m, m.parentElement].filter(Boolean);
    const box = Math.min(...boxes.map(b => b.clientWidth));
    if (needed > box + 1 || boxes.some(b => b.scrollWidth > b.clientWidth + 1)) {
      clipped.push({tex: (tex.get(m) || m.textContent).trim().slice(0, 80), needed: needed, box: box});
    } else if (m.dataset.fitScale) {
      scaled.push({tex: (tex.get(m) || m.textContent).trim().slice(0, 80), scale: Number(m.dataset.fitScale)});
    }
  }
  const mathjax = !!document.querySelector("mjx-container");
  const merror = document.querySelectorAll("mjx-merror").length;
  const column = document.querySelector(".bd-article-container");
  // Figures of notebook cells shown at under 90 % of the size they were drawn at (explorers' frames aside).
  const shrunk = [];
  for (const img of document.querySelectorAll(".cell_output img:not(.nnlib-explorer-figure)")) {
    if (img.naturalWidth > 0 && img.clientWidth > 0 && img.clientWidth < 0.9 * img.naturalWidth) {
      const link = img.closest("a");
      shrunk.push({src: img.getAttribute("src").slice(-20), scale: img.clientWidth / img.naturalWidth,
                   link: link ? link.getAttribute("href") === img.getAttribute("src") || link.href === img.src : false});
    }
  }
  return {viewport: vw, doc_width: document.documentElement.scrollWidth, wide, clipped, scaled, equations, mathjax,
          merror, shrunk, column: column ? Math.round(column.getBoundingClientRect().width) : null};
})()
"""


# axe-core, the accessibility engine (npm axe-core, vendored with its licence: nothing is fetched).
AXE_VERSION = "4.14.1"
AXE_SOURCE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = r"""
(async () => {
  // preload off: axe would fetch the stylesheets again (refused from file://, an error in the log)
  const result = await axe.run(document, {resultTypes: ["violations"], preload: false});
  return {version: axe.version, violations: result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\n").slice(1, 2).join(""))}))};
})()
"""


def chromium_path():
    """The Chromium binary, or skip (fail under CI=true) when it is not installed."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    reason = "headless Chromium is not installed (Debian: apt-get install chromium); browser test not run"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + ", and CI=true requires it")
    pytest.skip(reason)


class Chromium:
    """One headless Chromium, driven over the DevTools pipe; `inspect(url, width)` loads a page."""

    LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "chrome-error:")

    def __init__(self, binary, timeout=120):
        self.binary = binary
        self.timeout = timeout
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def __enter__(self):
        import tempfile

        self.profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def wire_fds():  # in the child: the protocol's fixed descriptors 3 (in) and 4 (out)
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)  # in case either is 3 or 4
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        flags = [f for f in CHROMIUM_FLAGS if f not in ("--dump-dom", "--virtual-time-budget=10000")]
        self.proc = subprocess.Popen(
            [self.binary, *flags, "--remote-debugging-pipe", f"--user-data-dir={self.profile.name}", "about:blank"],
            preexec_fn=wire_fds,
            close_fds=False,  # the descriptors set up by wire_fds must survive into the browser
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)
        self.profile.cleanup()

    # The protocol: one JSON object per message, each followed by a NUL byte.
    def _read_message(self, deadline):
        import select

        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium closed the DevTools pipe (exit code {self.proc.poll()})")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, session, deadline):
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self.events[i]
                    return event
            self.events.append(self._read_message(deadline))

    def inspect(self, url, width, height=900, attempts=2, axe=False):
        """Load `url` in a fresh tab `width` CSS px wide; what MEASURE_JS returns, and the log
        (with `axe`, also axe-core's serious and critical violations, under "axe").

        On a busy machine a load can time out; it is tried `attempts` times before the error,
        naming the page, is raised."""
        for attempt in range(attempts):
            try:
                return self._inspect(url, width, height, axe)
            except (TimeoutError, RuntimeError) as error:
                if attempt == attempts - 1:
                    raise RuntimeError(f"{url} at {width} px: {error}") from error

    def _inspect(self, url, width, height, axe=False):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(f"{domain}.enable", session=session)
            # Nothing may leave the machine; should a page try, the request fails here and is reported.
            self.send("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]}, session)
            self.send(
                "Emulation.setDeviceMetricsOverride",
                # Below 768 px, a phone: overlay scrollbars and the page's meta viewport apply.
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768},
                session,
            )
            self.events = [e for e in self.events if e.get("sessionId") != session]
            self.send("Page.navigate", {"url": url}, session)
            deadline = time.monotonic() + self.timeout
            self.wait_for("Page.loadEventFired", session, deadline)
            result = self.send(
                "Runtime.evaluate",
                {"expression": MEASURE_JS, "awaitPromise": True, "returnByValue": True},
                session,
            )
            if "exceptionDetails" in result:
                raise RuntimeError(f"the measuring script failed on {url}: {result['exceptionDetails']}")
            report = result["result"]["value"]
            # Let late console messages (a failed font, a deferred script) arrive before counting.
            time.sleep(0.2)
            self.send("Runtime.evaluate", {"expression": "1"}, session)
            errors, requests, offsite = [], [], []
            for event in self.events:
                if event.get("sessionId") != session:
                    continue
                method, params = event.get("method"), event.get("params", {})
                if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                    text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                    errors.append(f"console.{params['type']}: {text}")
                elif method == "Runtime.exceptionThrown":
                    details = params.get("exceptionDetails", {})
                    errors.append("uncaught: " + details.get("exception", {}).get("description", details.get("text", "")))
                elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                    entry = params["entry"]
                    errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
                elif method == "Network.requestWillBeSent":
                    request_url = params["request"]["url"]
                    requests.append(request_url)
                    if not request_url.startswith(self.LOCAL_SCHEMES):
                        offsite.append(request_url)
            report.update(errors=errors, requests=requests, offsite=offsite)
            if axe:     # after the page's own log and requests were taken
                report["axe"] = self._axe(session, url)
            return report
        finally:
            self.send("Target.closeTarget", {"targetId": target})
            self.events = [e for e in self.events if e.get("sessionId") != session]

    def _axe(self, session, url):
        """axe-core (vendored: tests/vendor/axe-core) run over the loaded page: its serious and
        critical violations, each with the first few elements it names."""
        injected = self.send("Runtime.evaluate", {"expression": AXE_SOURCE.read_text(encoding="utf-8")}, session)
        if "exceptionDetails" in injected:
            raise RuntimeError(f"axe-core did not load in {url}: {injected['exceptionDetails']}")
        result = self.send("Runtime.evaluate", {"expression": AXE_RUN, "awaitPromise": True, "returnByValue": True},
                           session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"axe-core failed on {url}: {result['exceptionDetails']}")
        return result["result"]["value"]



@pytest.fixture(scope="session")
def browsed(book):
    """Every page of the site loaded in headless Chromium at each width of WIDTHS: {(page, width): report}."""
    browser = chromium_path()
    # Not the redirect page (index.html: <meta http-equiv="Refresh" ...>): it navigates away while
    # it is measured, and the measurement fails at random ("Inspected target navigated or closed").
    pages = [p for p in book.pages() if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8").lower()]
    assert len(pages) > 10, f"only {len(pages)} pages to load"
    reports = {}
    start = time.perf_counter()
    with Chromium(browser) as chromium:
        for width in WIDTHS:
            for page in pages:
                # axe-core at the desktop width (the phone width shows the same elements, rearranged)
                reports[(str(page.relative_to(book.html)), width)] = chromium.inspect(
                    page.as_uri(), width, axe=width == WIDTHS[0])
    print(f"\n{len(pages)} pages at {len(WIDTHS)} widths in headless Chromium: {time.perf_counter() - start:.1f} s")
    return reports


def _listing(problems, limit=80):
    return "\n".join(problems[:limit]) + (f"\n... and {len(problems) - limit} more" if len(problems) > limit else "")


def test_math_renders_in_headless_chromium(browsed):
    # MathJax, served from the book itself, typeset the pages whose source has math, without a TeX error.
    problems = []
    for entry in MATH_PAGES:
        assert "$" in source_of(entry).read_text(encoding="utf-8"), f"{entry} has no math to render"
        for width in WIDTHS:
            report = browsed[(entry + ".html", width)]
            if not report["mathjax"]:
                problems.append(f"{entry}.html at {width} px: MathJax typeset nothing (no <mjx-container>)")
    problems += [
        f"{page} at {width} px: {report['merror']} TeX errors (<mjx-merror>)"
        for (page, width), report in browsed.items()
        if report["merror"]
    ]
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_and_no_element_is_wider_than_the_window(browsed):
    problems = []
    for (page, width), report in sorted(browsed.items()):
        if report["doc_width"] > report["viewport"]:
            problems.append(f"{page} at {width} px: the page is {report['doc_width']} px wide (window {report['viewport']})")
        for element in report["wide"][:3]:
            problems.append(f"{page} at {width} px: {element['element']} is {element['width']} px wide")
    assert not problems, "pages wider than the window:\n" + _listing(problems)


def test_no_display_equation_is_clipped(browsed):
    # An equation wider than its box (after fit-math.js scaled it down as far as it may) hides its
    # end behind a sideways scroll: split it in the chapter (aligned/split), as the lead routes.
    problems = [
        f"{page} at {width} px: needs {eq['needed']} px, box {eq['box']} px: {eq['tex']!r}"
        for (page, width), report in sorted(browsed.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        for eq in report["clipped"]
    ]
    assert sum(report["equations"] for report in browsed.values()) > 100, "hardly any display equations found"
    assert not problems, f"{len(problems)} display equations do not fit their column:\n" + _listing(problems)


def test_a_figure_shown_smaller_than_drawn_opens_at_full_size(browsed):
    # On a phone a wide figure is shown at a third of its size, too small to read its labels: it must
    # be a link to the full-size image (book/_static/figure-zoom.js), to open and zoom.
    phone = {page: report for (page, width), report in browsed.items() if width == 390}
    shrunk = [(page, fig) for page, report in sorted(phone.items()) for fig in report["shrunk"]]
    assert len(shrunk) > 10, f"expected many wide figures to be shrunk at 390 px, found {len(shrunk)}: is the measure broken?"
    unlinked = [f"{page}: ...{fig['src']} shown at {fig['scale']:.0%}" for page, fig in shrunk if not fig["link"]]
    assert not unlinked, "figures shown shrunk with no link to their full size:\n" + _listing(unlinked)


def test_no_console_errors(browsed):
    problems = [f"{page} at {width} px: {error}" for (page, width), report in sorted(browsed.items()) for error in report["errors"]]
    assert not problems, "errors in the browser console:\n" + _listing(problems)


def test_no_request_leaves_the_machine(browsed):
    local = sum(len(report["requests"]) for report in browsed.values())
    assert local > len(browsed), "the browser recorded (almost) no requests: the recording is broken"
    problems = [f"{page} at {width} px: {url}" for (page, width), report in sorted(browsed.items()) for url in report["offsite"]]
    assert not problems, "requests off the machine:\n" + _listing(problems)


def test_every_requested_file_is_in_the_site(browsed):
    # A page that asks for a file the build did not ship (a script, a font, a source map that
    # book/_ext/lean_site.py removed while a page still points to it) is a broken page.
    from urllib.parse import unquote, urlparse
    problems = set()
    for (page, width), report in sorted(browsed.items()):
        for url in report["requests"]:
            parsed = urlparse(url)
            if parsed.scheme == "file" and not Path(unquote(parsed.path)).is_file():
                problems.add(f"{page}: {url}")
    assert not problems, "pages request files that are not in the site:\n" + _listing(sorted(problems))


def test_axe_finds_no_serious_or_critical_violation(browsed):
    # axe-core (tests/vendor/axe-core, npm axe-core) over every page at the desktop width. The theme's
    # templates that it flagged are overridden in book/_templates (see the README there).
    checked = [(page, report["axe"]) for (page, width), report in sorted(browsed.items()) if "axe" in report]
    assert len(checked) > 10, f"axe-core ran on {len(checked)} pages only"
    assert all(result["version"] == AXE_VERSION for _, result in checked), "axe-core is not the vendored version"
    problems = [f"{page}: {v['impact']} {v['id']} ({v['count']} elements: {v['help']}): {'; '.join(v['nodes'])}"
                for page, result in checked for v in result["violations"]]
    assert not problems, f"axe-core: {len(problems)} serious or critical violations:\n" + _listing(problems)


# What a page costs to load, as Lighthouse counts it ("total byte weight": every response the page
# asks for while it loads): the page, its scripts, stylesheets, fonts, images, and whatever its
# scripts fetch (MathJax's fonts). Lighthouse counts the bytes sent, so the number depends on the
# server: a static host (GitHub Pages, Netlify, nginx, Apache) sends HTML, JS, CSS and SVG gzipped;
# a plain file server (python -m http.server) sends them raw. Both are measured here, from the files
# the browser requested; issue 25's limit, PAGE_LIMIT_BYTES, applies to a chapter page served
# compressed, and RAW_LIMIT_BYTES (raw, as python -m http.server sends it) guards against a regression.
PAGE_LIMIT_BYTES = 2_000_000
RAW_LIMIT_BYTES = 4_000_000
COMPRESSED_TYPES = {".html", ".js", ".css", ".svg", ".json", ".txt"}


def page_weights(browsed):
    """{page: (bytes sent gzipped, bytes sent raw)} of the distinct local files each page requested
    at the phone width (Lighthouse's mobile preset)."""
    import gzip
    from urllib.parse import unquote, urlparse

    sizes = {}
    weights = {}
    for (page, width), report in browsed.items():
        if width != WIDTHS[-1]:
            continue
        files = set()
        for url in report["requests"]:
            parsed = urlparse(url)
            if parsed.scheme == "file" and Path(unquote(parsed.path)).is_file():
                files.add(Path(unquote(parsed.path)))
        for f in files - sizes.keys():
            raw = f.stat().st_size
            sizes[f] = (len(gzip.compress(f.read_bytes(), 6)) if f.suffix in COMPRESSED_TYPES else raw, raw)
        weights[page] = (sum(sizes[f][0] for f in files), sum(sizes[f][1] for f in files))
    return weights


def test_no_chapter_page_weighs_more_than_the_limit(browsed, request):
    weights = page_weights(browsed)
    heaviest = sorted(weights.items(), key=lambda kv: -kv[1][0])
    line = ("heaviest pages, bytes loaded as Lighthouse counts them (gzipped as a static host sends them; "
            "raw): " + ", ".join(f"{page} {gz:,} ({raw:,} raw)" for page, (gz, raw) in heaviest[:3]))
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\n" + line)
    print("\n" + line)
    chapters = {page: size for page, size in weights.items() if re.fullmatch(r"book/\d\d_\w+\.html", page)}
    assert len(chapters) >= 10, f"only {len(chapters)} chapter pages weighed"
    over = [f"{page}: {gz:,} bytes gzipped ({raw:,} raw)" for page, (gz, raw) in sorted(chapters.items())
            if gz > PAGE_LIMIT_BYTES or raw > RAW_LIMIT_BYTES]
    assert not over, (f"chapter pages over {PAGE_LIMIT_BYTES:,} bytes gzipped or {RAW_LIMIT_BYTES:,} raw:\n"
                      + "\n".join(over) + "\n" + line)


def test_the_search_index_is_loaded_by_the_search_page_only(browsed):
    loading = sorted({page for (page, width), report in browsed.items()
                      if any(url.endswith("/searchindex.js") for url in report["requests"])})
    assert loading == ["search.html"], f"pages that load searchindex.js: {loading[:10]}"


def test_every_page_has_a_favicon(book):
    # Without one, every page asks the server for /favicon.ico and gets a 404 (a console error).
    problems = []
    for page in book.pages():
        text = page.read_text(encoding="utf-8")
        match = re.search(r'<link[^>]*rel="(?:shortcut )?icon"[^>]*href="([^"]+)"', text)
        if not match:
            problems.append(f"{page.relative_to(book.html)}: no <link rel=icon>")
        elif not (page.parent / urlsplit(match.group(1)).path).is_file():
            problems.append(f"{page.relative_to(book.html)}: favicon {match.group(1)} missing")
    assert not problems, _listing(problems)


class ImageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))

    handle_startendtag = handle_starttag


# A figure's alt text must say what it shows; myst-nb writes the image's file name when the cell
# gives none ("../_images/abc123.png"). The chapters give alt texts through their figure helpers
# (myst-nb's image metadata). PENDING: pages whose figures still have file names as alt texts,
# while the chapters' figure work (the textbook issue) is under way; the lead empties this list at
# merge, and the test then holds every page to the rule.
PENDING_ALT_TEXT_PAGES = set()
FILE_NAME_ALT = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|gif|svg|webp)$|^_images/|/_images/", re.I)


def test_no_image_has_a_file_name_as_its_alt_text(book):
    offenders, pending = [], []
    for page in book.pages():
        parser = ImageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        name = str(page.relative_to(book.html))
        for image in parser.images:
            alt = (image.get("alt") or "").strip()
            if not alt or FILE_NAME_ALT.search(alt) or alt == Path(urlsplit(image.get("src", "")).path).name:
                entry = f"{name}: <img src={image.get('src', '')[:60]!r}> alt={alt!r}"
                (pending if name in PENDING_ALT_TEXT_PAGES else offenders).append(entry)
    if pending:
        print(f"\nPENDING alt texts (PENDING_ALT_TEXT_PAGES): {len(pending)} images on "
              f"{len({p.split(':')[0] for p in pending})} pages still have a file name as alt text")
    stale = sorted(PENDING_ALT_TEXT_PAGES - {p.split(":")[0] for p in pending})
    assert not offenders, (f"{len(offenders)} images whose alt text is a file name or empty (give the figure "
                           f"an alt text in its chapter):\n" + _listing(offenders))
    assert not stale, f"these pages have good alt texts now: remove them from PENDING_ALT_TEXT_PAGES: {stale}"


# The whole site (pages, images, downloadable notebooks, theme, MathJax) stays small enough to
# put anywhere and download whole (issue 14: at most 25 MB; issue 15's explorers, whose precomputed
# frames sit both in their page and in the page's downloadable notebook, must fit in it too).
# _static stays small because only the MathJax files the pages load are shipped, and
# book/_ext/lean_site.py drops the themes' source maps and translation catalogues.
SITE_LIMIT_MB = 25
STATIC_LIMIT_MB = 6


def test_site_size_is_reported_and_capped(book, request):
    sizes = {}
    for path in book.html.rglob("*"):
        if path.is_file():
            top = path.relative_to(book.html).parts[0]
            top = top if (book.html / top).is_dir() else "(pages at the top)"
            sizes[top] = sizes.get(top, 0) + path.stat().st_size
    total = sum(sizes.values()) / 1e6
    parts = ", ".join(f"{name} {size / 1e6:.1f}" for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]))
    line = f"book site: {total:.1f} MB (limit {SITE_LIMIT_MB} MB): {parts}"
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\n" + line)
    request.config.book_site_megabytes = total
    assert total <= SITE_LIMIT_MB, line
    assert sizes.get("_static", 0) / 1e6 <= STATIC_LIMIT_MB, f"_static over {STATIC_LIMIT_MB} MB: {line}"


def test_every_public_module_is_on_an_api_page():
    # The API reference (book/api/*.md) documents each module with automodule; a new module needs a line there.
    import pkgutil

    import nnlib

    modules = {"nnlib"} | {
        info.name
        for info in pkgutil.walk_packages(nnlib.__path__, "nnlib.")
        if not any(part.startswith("_") for part in info.name.split("."))
    }
    documented = set()
    for page in (REPO / "book" / "api").glob("*.md"):
        documented |= set(re.findall(r"^\.\. automodule:: (\S+)", page.read_text(encoding="utf-8"), re.M))
    assert "nnlib.layers" in documented, "the API pages document no module with automodule"
    missing = sorted(modules - documented - {"nnlib"})
    existing = modules | {info.name for info in pkgutil.walk_packages(nnlib.__path__, "nnlib.")}
    unknown = sorted(documented - existing)  # a private module may be documented (a shared base class)
    assert not missing, f"public modules on no API page (add an automodule to book/api/*.md): {missing}"
    assert not unknown, f"API pages document modules that do not exist: {unknown}"
