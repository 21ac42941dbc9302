"""Sphinx extension: lighter, more accessible pages (issue 25).

1. **Icons without Font Awesome's script.** pydata-sphinx-theme loads ``fontawesome.js`` (1.49 MB, every
   icon of Font Awesome Free 6) on every page, to turn each ``<i class="fa-solid fa-...">`` into an
   inline ``<svg>``. The pages use about fifteen icons. After the build, every such ``<i>`` in every
   page is replaced by the same inline ``<svg>`` the script would have made (the path data are read
   from the theme's own ``fontawesome.js``, solid style), the ``<script>`` tag is removed and the file
   is not shipped (its licence file stays: the icons are CC BY 4.0). The few CSS rules the script
   injected for ``svg-inline--fa`` are in ``book/_static/book.css``. An icon is decoration
   (``aria-hidden``) unless it carries a ``title``, which becomes its accessible name.
2. **A favicon on every page**, the redirect page (``index.html``, not made from the theme's layout)
   included.
3. **The sidebar's section toggles have a name.** The theme makes each expandable entry of the
   sidebar a ``<details>`` whose ``<summary>`` holds only a chevron icon: axe-core's ``summary-name``
   (serious). Each such summary gets an ``aria-label`` naming the entry ("Sections of API reference").
   This is done on the HTML the theme's ``generate_toctree_html`` returns (in Python, not in a template).

The search index is kept off pages other than search.html by ``book/_templates/layout.html``, and the
theme's buttons' accessible names are fixed in ``book/_templates`` (search button, colour mode).
"""

import html
import os
import re
from pathlib import Path

FA_SCRIPT = re.compile(r'\s*<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>')
ICON = re.compile(r'<i\s+([^>]*\bclass="[^"]*\bfa-[^"]*"[^>]*)>\s*</i>')
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
STYLE_CLASSES = {"fa-solid", "fas", "fa-regular", "far", "fa-brands", "fab"}
# An entry of an icon pack in fontawesome.js: name: [width, height, [aliases], "unicode", "svg path"]
ENTRY = re.compile(r'(?:"([^"]+)"|([A-Za-z_$][\w$]*)|(\d+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]+","([^"]*)"\]')


def solid_icons(script):
    """{icon name or alias: (width, height, path)} of the solid pack defined in ``script``."""
    end = script.index('d("fas",p)')
    start = script.rindex("var p={", 0, end)
    icons = {}
    for match in ENTRY.finditer(script, start, end):
        name = match.group(1) or match.group(2) or match.group(3)
        value = (int(match.group(4)), int(match.group(5)), match.group(7))
        icons[name] = value
        for alias in re.findall(r'"([^"]+)"', match.group(6)):
            icons.setdefault(alias, value)
    return icons


def svg_for(attributes, icons):
    """The inline <svg> for an <i> with ``attributes`` (name -> value), or None for an unknown icon."""
    classes = attributes.get("class", "").split()
    names = [c[3:] for c in classes if c.startswith("fa-") and c not in STYLE_CLASSES and c[3:] in icons]
    if not names:
        return None
    width, height, path = icons[names[0]]
    kept = ["svg-inline--fa"] + [c for c in classes if c not in STYLE_CLASSES]
    parts = [f'class="{html.escape(" ".join(kept))}"']
    for name, value in attributes.items():
        if name.startswith("data-") or name in ("style", "id"):
            parts.append(f'{name}="{value}"')
    title = attributes.get("title")
    if title and attributes.get("aria-hidden") != "true":
        parts.append(f'role="img" aria-label="{title}"')
    else:
        parts.append('aria-hidden="true"')
    return (f'<svg {" ".join(parts)} focusable="false" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width} {height}"><path fill="currentColor" d="{path}"></path></svg>')


def inline_icons(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    script = out / "_static" / "scripts" / "fontawesome.js"
    if not script.is_file():
        return
    icons = solid_icons(script.read_text(encoding="utf-8"))
    favicon = Path(app.config.html_favicon).name if app.config.html_favicon else None
    unknown = set()

    def replace(match):
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        svg = svg_for(attributes, icons)
        if svg is None:
            unknown.add(attributes.get("class", ""))
            return match.group(0)
        return svg

    for page in out.rglob("*.html"):
        if page.relative_to(out).parts[0] in ("_static", "_sources"):
            continue
        text = page.read_text(encoding="utf-8")
        new = FA_SCRIPT.sub("", ICON.sub(replace, text))
        if favicon and 'rel="icon"' not in new and 'http-equiv="refresh"' in new.lower():
            # the redirect page (index.html) is not made from the theme's layout: give it the icon
            # too, or the browser asks for /favicon.ico on the way
            href = os.path.relpath(out / "_static" / favicon, page.parent).replace(os.sep, "/")
            new = f'<link rel="icon" href="{href}" />\n' + new
        if new != text:
            page.write_text(new, encoding="utf-8")
    if unknown:
        # fontawesome.js is gone, so an icon it does not define would be blank: say so
        from sphinx.util import logging

        logging.getLogger(__name__).warning(f"light_pages: icons not in the solid pack: {sorted(unknown)}")
    script.unlink()
    for extra in (script.with_name("fontawesome.js.map"),):
        if extra.exists():
            extra.unlink()


SUMMARY = re.compile(r'(<a class="[^"]*\breference internal" href="[^"]*">(.*?)</a>\s*<details(?: open="open")?>\s*)<summary>')


def label_summaries(markup):
    """An aria-label on each <summary> that holds only the toggle icon, from its entry's link text."""
    def add(match):
        name = re.sub(r"<[^>]+>", "", match.group(2)).strip()
        return f'{match.group(1)}<summary aria-label="Sections of {html.escape(html.unescape(name), quote=True)}">'

    return SUMMARY.sub(add, str(markup))


def wrap_toctree(app, pagename, templatename, context, doctree):
    original = context.get("generate_toctree_html")
    if original is None or getattr(original, "_labels_summaries", False):
        return

    def generate(*args, **kwargs):
        from markupsafe import Markup

        return Markup(label_summaries(original(*args, **kwargs)))

    generate._labels_summaries = True
    context["generate_toctree_html"] = generate


def setup(app):
    app.connect("html-page-context", wrap_toctree, priority=900)
    app.connect("build-finished", inline_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
