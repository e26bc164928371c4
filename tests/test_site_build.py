"""The built site: every page is there, nothing comes from another host,
plotly.js is served from the site, explorer data is complete and small, and
no page pulls in MathJax or require.js."""

from __future__ import annotations

import json
import math
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from trialsim import sphinxext

REPO = Path(__file__).resolve().parent.parent
PLOTLY_REL = f"_vendor/{sphinxext.PLOTLY_FILE}"
STATE_BUDGET = 300_000  # bytes of embedded state data per page, before compression

pytestmark = pytest.mark.build


def toc_files() -> list[str]:
    """Every ``root``/``file`` entry of book/_toc.yml, in order."""
    import yaml

    toc = yaml.safe_load((REPO / "book" / "_toc.yml").read_text(encoding="utf-8"))
    found = [re.sub(r"\.(md|ipynb|rst)$", "", toc["root"])]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(re.sub(r"\.(md|ipynb|rst)$", "", node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def is_remote(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme.lower() in ("http", "https")


def resolve(page_rel: str, src: str) -> str:
    """The site-relative path a relative URL on ``page_rel`` points to."""
    path = urlsplit(src).path
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), path))


# (a) ------------------------------------------------------------------------
def test_build_passes_and_every_toc_page_exists(site_dir):
    missing = [f for f in toc_files() if not (site_dir / f"{f}.html").is_file()]
    assert not missing, f"pages in book/_toc.yml with no built html under {site_dir}: {missing}"
    assert (site_dir / "index.html").is_file()


# (b) ------------------------------------------------------------------------
SRC_TAGS = {"script", "img", "source", "iframe", "video", "audio", "embed", "track", "input"}
LINK_RELS = {"stylesheet", "preload", "modulepreload", "manifest", "prefetch"}


def remote_resources(tree) -> list[str]:
    found = []
    for node in tree.iter():
        tag, attrs = node.tag, node.attrs
        urls = []
        if tag in SRC_TAGS and attrs.get("src"):
            urls.append(attrs["src"])
        if tag in ("img", "source") and attrs.get("srcset"):
            urls += [part.strip().split()[0] for part in attrs["srcset"].split(",") if part.strip()]
        if tag == "video" and attrs.get("poster"):
            urls.append(attrs["poster"])
        if tag == "object" and attrs.get("data"):
            urls.append(attrs["data"])
        if tag == "link" and attrs.get("href"):
            rels = set((attrs.get("rel") or "").lower().split())
            if rels & LINK_RELS or any("icon" in r for r in rels):
                urls.append(attrs["href"])
        found += [f"<{tag}> {u}" for u in urls if is_remote(u)]
    return found


CSS_REMOTE = [
    re.compile(r"""url\(\s*['"]?\s*((?:https?:)?//[^'")\s]+)""", re.I),
    re.compile(r"""@import\s+(?:url\(\s*)?['"]?\s*((?:https?:)?//[^'")\s;]+)""", re.I),
]


def test_no_resource_from_another_host(site_dir, site_pages):
    problems = []
    for rel, tree in site_pages.items():
        problems += [f"{rel}: {item}" for item in remote_resources(tree)]
        # inline <style> blocks are CSS too
        for style in tree.find_all("style"):
            for pattern in CSS_REMOTE:
                problems += [f"{rel}: <style> {m}" for m in pattern.findall(style.text)]
    for css in sorted(site_dir.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for pattern in CSS_REMOTE:
            problems += [f"{css.relative_to(site_dir).as_posix()}: {m}" for m in pattern.findall(text)]
    problems = list(dict.fromkeys(problems))  # url(...) inside @import matches both patterns
    assert not problems, "resources loaded from another host:\n" + "\n".join(problems)


# (c) ------------------------------------------------------------------------
def figure_pages(site_pages) -> list[str]:
    return [rel for rel, tree in site_pages.items()
            if any(tree.find_all(data_explorer=True)) or any(tree.find_all(class_="tsx-plotly"))]


def test_plotly_served_from_the_site(site_dir, site_pages):
    assert (site_dir / PLOTLY_REL).is_file(), f"{PLOTLY_REL} is missing from the built site"
    assert (site_dir / PLOTLY_REL).stat().st_size > 1_000_000, f"{PLOTLY_REL} looks truncated"
    in_static = [p.relative_to(site_dir).as_posix() for p in (site_dir / "_static").rglob("plotly*.js")]
    assert not in_static, ("plotly.js must not sit in _static/ (Jupyter Book would add it to every page): "
                           f"{in_static}")
    pages = figure_pages(site_pages)
    assert pages, "no page with an explorer or a plotly figure was found"
    problems = []
    for rel in pages:
        srcs = [s.attrs["src"] for s in site_pages[rel].find_all("script") if s.attrs.get("src")]
        hits = [s for s in srcs if "plotly" in s.lower()]
        good = [s for s in hits if not is_remote(s) and not s.startswith("/") and resolve(rel, s) == PLOTLY_REL]
        if not good:
            problems.append(f"{rel}: no relative <script src> resolving to {PLOTLY_REL} (plotly scripts: {hits})")
    assert not problems, "\n".join(problems)


# (d) ------------------------------------------------------------------------
def control_sizes(explorer) -> list[int]:
    """Sizes of the explorer's controls, read from the markup, by data-index."""
    sizes = {}
    for node in explorer.iter():
        if "data-index" not in node.attrs:
            continue
        index = int(node.attrs["data-index"])
        if node.tag == "select":
            sizes[index] = len(list(node.find_all("option")))
        elif node.tag == "input" and node.attrs.get("type") == "range":
            sizes[index] = int(node.attrs["max"]) - int(node.attrs.get("min", "0")) + 1
        else:
            raise AssertionError(f"data-index on an unexpected <{node.tag}>")
    assert sorted(sizes) == list(range(len(sizes))), f"data-index values are not 0..n-1: {sorted(sizes)}"
    return [sizes[i] for i in range(len(sizes))]


def test_explorer_state_data(site_pages, explorer_pages):
    assert explorer_pages, "no page with a [data-explorer] was found"
    problems, sizes_report = [], []
    for rel in explorer_pages:
        page_bytes = 0
        for explorer in site_pages[rel].find_all(data_explorer=True):
            name = explorer.attrs["data-explorer"]
            scripts = list(explorer.find_all("script", class_="tsx-data"))
            if len(scripts) != 1:
                problems.append(f"{rel} [{name}]: {len(scripts)} script.tsx-data (want 1)")
                continue
            raw = scripts[0].text
            page_bytes += len(raw.encode("utf-8"))
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as err:
                problems.append(f"{rel} [{name}]: state data is not JSON: {err}")
                continue
            try:
                dom_sizes = control_sizes(explorer)
            except AssertionError as err:
                problems.append(f"{rel} [{name}]: {err}")
                continue
            json_sizes = [c["size"] for c in data["controls"]]
            if dom_sizes != json_sizes:
                problems.append(f"{rel} [{name}]: control sizes in the page {dom_sizes} != in the data {json_sizes}")
            # every column is stored over the controls it depends on: its
            # length is the product of their sizes, and its entries index tables
            n_read = len(list(explorer.find_all("dd", data_readout=True)))
            if len(data["columns"]) != n_read + 2:
                problems.append(f"{rel} [{name}]: {len(data['columns'])} columns for {n_read} readouts "
                                "(want one per readout, one for the figure, one for the conclusion)")
                continue
            tables = [len(data["strings"])] * n_read + [len(data["vectors"]), len(data["conclusions"])]
            for k, (col, size) in enumerate(zip(data["columns"], tables, strict=True)):
                want = math.prod(dom_sizes[a] for a in col["deps"])
                if len(col["values"]) != want or not all(0 <= v < size for v in col["values"]):
                    problems.append(f"{rel} [{name}]: column {k} is malformed")
            if any(len(v) != len(data["slots"]) for v in data["vectors"]):
                problems.append(f"{rel} [{name}]: a figure vector does not fill every slot")
            if any(not 0 <= rule < len(data["sentences"]) for rule, _ in data["conclusions"]):
                problems.append(f"{rel} [{name}]: a conclusion names a rule that does not exist")
        sizes_report.append(f"{rel}: {page_bytes:,} bytes")
        if page_bytes > STATE_BUDGET:
            problems.append(f"{rel}: {page_bytes:,} bytes of state data (budget {STATE_BUDGET:,})")
    report = "state data per page: " + "; ".join(sizes_report)
    print(report)
    assert not problems, "\n".join(problems) + "\n" + report


# (e) ------------------------------------------------------------------------
def test_no_mathjax_or_requirejs(site_pages):
    problems = []
    for rel, tree in site_pages.items():
        for script in tree.find_all("script"):
            src = script.attrs.get("src") or ""
            if "mathjax" in src.lower() or "require" in src.lower():
                problems.append(f"{rel}: <script src={src!r}>")
    assert not problems, "pages load MathJax or require.js:\n" + "\n".join(problems)
