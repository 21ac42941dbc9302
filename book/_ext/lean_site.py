"""Sphinx extension: the built site ships only files that a reader's browser loads.

The themes copy into ``_static`` some files that no page ever requests:

- source maps (``*.js.map``, ``*.css.map``, 3.4 MB), read only by a browser's developer tools to
  show the themes' unminified sources; the ``sourceMappingURL`` comment that points to each one is
  removed with it, so the developer tools do not ask for a missing file;
- ``_static/locales`` (0.7 MB), the theme's translation catalogues: Sphinx reads them while it
  builds the pages, and the browser never does (the book is in English).

Removing them after the build keeps the offline site small (issue 14: at most 25 MB) without
touching anything a page shows. ``tests/test_book.py`` checks that no page requests a missing file.
"""

import re
import shutil
from pathlib import Path

SOURCE_MAP_COMMENT = re.compile(rb"\n?(?://# sourceMappingURL=\S+\.map|/\*# sourceMappingURL=\S+\.map\s*\*/)\s*$")


def remove_unloaded_files(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    for source_map in static.rglob("*.map"):
        source_map.unlink()
    for asset in list(static.rglob("*.js")) + list(static.rglob("*.css")):
        text = asset.read_bytes()
        trimmed = SOURCE_MAP_COMMENT.sub(b"\n", text)
        if trimmed != text:
            asset.write_bytes(trimmed)
    shutil.rmtree(static / "locales", ignore_errors=True)


def setup(app):
    app.connect("build-finished", remove_unloaded_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
