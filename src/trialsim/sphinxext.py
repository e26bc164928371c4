"""The course's Sphinx extension (listed in ``_config.yml``).

* Marks the build as static (``TRIALSIM_FRONTEND=static``) before any
  notebook runs, so explorers and self-checks render as HTML for the site.
* Renders plotly figures: plotly 7 emits only the
  ``application/vnd.plotly.v1+json`` output, which myst-nb would skip.  The
  ``PlotlyMimeRenderer`` (registered as a ``myst_nb.mime_renderers`` entry
  point) turns it into a container with the figure JSON, drawn by
  ``book/static/js/figures.js``.
* Adds the course's scripts (``book/static/js/``, in the order of
  ``trialsim.frontends.static.JS_MODULES``) to every page.
* Serves plotly.js from the site itself: its basic bundle (scatter, bar and
  pie) is copied from the course's ``node_modules`` (npm, pinned in
  ``package-lock.json``) into ``_vendor/`` of the output (never committed,
  never from a CDN) and linked, deferred, only on pages that draw a figure.
* Serves jStat the same way (from the course's ``node_modules``, pinned in
  ``package-lock.json``), with the calculators' scripts, only on pages that
  hold a "Your trial" calculator.
* Offers each notebook page (a chapter, Your trial) as ``.ipynb`` in the
  theme's download menu, written at build time by jupytext.
* Drops the theme's fontawesome.js from every page (the icons come from the
  web font the theme's stylesheet loads).
* Drops sphinx-thebe's scripts: the course runs no code in the browser,
  and their inline copy, added twice, logs a console error on every page.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from myst_nb.core.render import MimeData, NbElementRenderer
    from sphinx.application import Sphinx

PLOTLY_MIME = "application/vnd.plotly.v1+json"
VENDOR_DIR = "_vendor"
PLOTLY_FILE = "plotly-basic.min.js"
# plotly.js's basic bundle (npm plotly.js-basic-dist-min, pinned in package-lock.json) draws only
# these trace types, all the course uses; a test holds every figure to them
PLOTLY_TRACES = ("scatter", "bar", "pie")
FIGURE_MARKERS = ('class="tsx-explorer"', 'class="tsx-plotly"')
JSTAT_FILE = "jstat.min.js"
CALCULATOR_MARKER = 'class="tsx-calc"'
# the calculators' scripts, after the course's own, on the pages that have a calculator
CALCULATOR_SCRIPTS = ("yourtrial", "calculators")


def jstat_js_source(root: Path) -> Path:
    """jStat's browser build in the course's node_modules (npm ci installs it, from
    package-lock.json); raises ``FileNotFoundError`` naming the fix if it is not there."""
    path = Path(root) / "node_modules" / "jstat" / "dist" / JSTAT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"jStat not found at {path}: run ./course build (it installs the pinned npm "
                                "packages with npm ci), or npm ci in the course's folder")
    return path


def plotly_js_source(root: str | Path | None = None) -> Path:
    """The path of plotly.js's basic bundle (``plotly-basic.min.js``: scatter, bar
    and pie, a quarter of the full bundle's weight) in the course's node_modules
    (``root`` is the course's folder); raises ``FileNotFoundError`` naming the fix."""
    root = Path(root) if root is not None else Path(__file__).resolve().parents[2]
    path = root / "node_modules" / "plotly.js-basic-dist-min" / PLOTLY_FILE
    if not path.is_file():
        raise FileNotFoundError(f"plotly.js not found at {path}: run ./course build (it installs the pinned npm "
                                "packages with npm ci), or npm ci in the course's folder")
    return path


def figure_html(figure_json: str, label: str = "Figure") -> str:
    """A container the course's JS draws a plotly figure into."""
    from .frontends.static import json_script

    # the box keeps the figure's height while plotly.js loads, so nothing below it moves
    height = json.loads(figure_json).get("layout", {}).get("height", 450)
    return (f'<div class="tsx-plotly" role="figure" aria-label="{html.escape(label)}" '
            f'style="min-height: {height}px">'
            f'{json_script(figure_json)}</div>')


def _figure_label(content) -> str:
    try:
        title = content["layout"]["title"]
        text = title["text"] if isinstance(title, dict) else title
        return f"Figure: {text}" if text else "Figure"
    except (KeyError, TypeError):
        return "Figure"


class PlotlyMimeRenderer:
    """myst-nb plugin: render plotly JSON outputs as course figure containers."""

    mime_priority_overrides = [("html", PLOTLY_MIME, 1)]

    @staticmethod
    def handle_mime(renderer: NbElementRenderer, data: MimeData, inline: bool) -> list[nodes.Element] | None:
        """A raw HTML node holding the figure container for a plotly output, or None
        to leave any other mime type to myst-nb."""
        if data.mime_type != PLOTLY_MIME:
            return None
        from docutils import nodes

        content = data.content
        text = content if isinstance(content, str) else json.dumps(content)
        parsed = json.loads(text) if isinstance(content, str) else content
        return [nodes.raw("", figure_html(text, _figure_label(parsed)), format="html")]


def _copy_plotly(app) -> None:
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / VENDOR_DIR
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plotly_js_source(app.confdir), target / PLOTLY_FILE)
    shutil.copyfile(jstat_js_source(Path(app.confdir)), target / JSTAT_FILE)


def _offer_notebook(app, pagename, templatename, context, doctree) -> None:
    """For a page written as a MyST notebook (a chapter, Your trial), write it as
    ``_sources/<page>.ipynb`` (jupytext; the learner runs it, so no outputs) and
    tell the theme, whose download menu then offers ``.ipynb`` besides ``.md``."""
    if app.builder.format != "html":
        return
    source = Path(app.srcdir) / f"{pagename}.md"
    if not source.is_file() or "kernelspec:" not in source.read_text(encoding="utf-8")[:600]:
        return
    import jupytext

    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(jupytext.read(source), target, fmt="ipynb")
    context["ipynb_source"] = f"{pagename}.ipynb"


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if any(marker in body for marker in FIGURE_MARKERS):
        # Sphinx prefixes _static/; step out of it to the vendor folder
        # deferred: the page's text shows before the 1 MB of plotly.js is parsed
        app.add_js_file(f"../{VENDOR_DIR}/{PLOTLY_FILE}", priority=200, loading_method="defer")
    if CALCULATOR_MARKER in body:
        app.add_js_file(f"../{VENDOR_DIR}/{JSTAT_FILE}", priority=600, loading_method="defer")
        for offset, name in enumerate(CALCULATOR_SCRIPTS, start=1):
            app.add_js_file(f"js/{name}.js", priority=600 + offset, loading_method="defer")
    # The course runs no code in the browser through thebe: drop sphinx-thebe's
    # scripts (its inline config names a CDN and is added twice, which logs a
    # console error on every page).
    if "script_files" in context:
        context["script_files"][:] = [s for s in context["script_files"] if not _is_thebe(s)]


FONTAWESOME_JS = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
# docutils marks a bibliography up as role="list" around entries that are not list
# items, which screen readers (and axe) reject: it is read as the entries it holds
CITATION_LIST = re.compile(r'<div role="list" class="citation-list">')
# the theme's title for print leaves out the chapter's number: it is copied in
CHAPTER_NUMBER = re.compile(r'<h1><span class="section-number">([^<]*)</span>')
PRINT_TITLE = re.compile(r'(<div id="jb-print-docs-body" class="onlyprint">\s*<h1>)')


# a rule of a stylesheet (selector{declarations}) and an icon's code point in it ("\f0c9")
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
ICON_CODE = re.compile('"(?:\\\\([ef][0-9a-f]{3})|([\ue000-\uf8ff]))"')  # escaped, or the character itself


def _codes(body: str) -> list[int]:
    return [int(escaped, 16) if escaped else ord(char) for escaped, char in ICON_CODE.findall(body)]
ICON_NAME = re.compile(r"\bfa-[a-z0-9-]+")
ICON_FONTS = ("fa-solid-900.woff2", "fa-regular-400.woff2")


def icon_codepoints(site: Path) -> dict[str, int]:
    """The icons the built site ``site`` can show, by Font Awesome name (or by the
    theme's own rule that draws one) -> code point: those named in its pages and
    scripts, and those its stylesheet draws itself (admonitions, links)."""
    css = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in (site / "_static").rglob("*.css"))
    named: dict[str, int] = {}
    drawn: dict[str, int] = {}
    for selectors, body in CSS_RULE.findall(css):
        codes = _codes(body)
        if not codes:
            continue
        names = [sel.strip().removeprefix(".").removesuffix(":before").removesuffix("::before")
                 for sel in selectors.split(",")]
        if all(ICON_NAME.fullmatch(name) for name in names):
            named.update(dict.fromkeys(names, codes[0]))
        else:  # the theme's own use: an admonition's or a link's icon, a variable holding one
            drawn.update({f"{selectors.strip()[-50:]} #{i}": code for i, code in enumerate(codes)})
    used = set()
    for path in [*site.rglob("*.html"), *(site / "_static").rglob("*.js")]:
        if path.name != "fontawesome.js":
            used |= set(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return {**{name: named[name] for name in sorted(used & set(named))}, **drawn}


def _subset_icon_font(site: Path) -> None:
    """Cut the theme's Font Awesome fonts (150 KB gzipped) down to the icons the
    site can show (``icon_codepoints``)."""
    from fontTools import subset

    codes = sorted(set(icon_codepoints(site).values()))
    for path in (site / "_static").rglob("*.woff2"):
        if path.name not in ICON_FONTS:
            continue
        options = subset.Options()
        options.flavor = "woff2"
        options.notdef_outline = True
        font = subset.load_font(str(path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codes)
        subsetter.subset(font)
        subset.save_font(font, str(path), options)


def _tidy_pages(app, exception) -> None:
    """Every built page: remove the theme's fontawesome.js (530 KB gzipped, for
    custom SVG icons the course does not use; the theme's icons are drawn by the
    Font Awesome web font its stylesheet already loads), the wrong list role
    of a bibliography, and the missing chapter number of the title printed on
    paper; then cut the icon fonts down to the icons the site shows."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        trimmed = CITATION_LIST.sub('<div class="citation-list">', FONTAWESOME_JS.sub("", text))
        number = CHAPTER_NUMBER.search(trimmed)
        if number:
            trimmed = PRINT_TITLE.sub(r"\g<1>" + number.group(1).replace("\\", r"\\"), trimmed, count=1)
        if trimmed != text:
            page.write_text(trimmed, encoding="utf-8")
    _subset_icon_font(Path(app.outdir))


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "thebe" in name or "thebe" in body


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension with Sphinx (add the course's scripts, copy plotly.js at
    the start of an HTML build, link it on pages that draw a figure) and return its metadata."""
    from .frontends.static import JS_MODULES

    # the book's kernels (started by this build) draw the static explorers; set
    # here, not on import, so importing the extension changes nothing else
    os.environ["TRIALSIM_FRONTEND"] = "static"
    for name in JS_MODULES:  # the course's scripts, in order, on every page
        app.add_js_file(f"js/{name}.js")
    app.connect("builder-inited", _copy_plotly)
    app.connect("html-page-context", _offer_notebook, priority=400)  # before the theme's download menu
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _tidy_pages)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
