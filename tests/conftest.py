"""Session fixtures for the tests of the built site.

* ``site_dir``  builds the book once per session from a clean copy of the
  working tree (or reuses ``COURSE_SITE_DIR``, see its docstring).
* ``site_url``  serves it over HTTP on 127.0.0.1.
* ``browser``   headless Chromium (Debian's, never a downloaded one).
* ``open_page`` opens a page of the served site and records its console
  errors, page errors and every request URL.
* ``site_html`` parses a built page into a small element tree.
"""

from __future__ import annotations

import fcntl
import functools
import html.parser
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


# ---------------------------------------------------------------- the build
def _clean_copy(dest: Path) -> None:
    """Copy what git tracks plus untracked files that are not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout.decode("utf-8").split("\0")
    for rel in sorted(set(filter(None, listed))):
        src = REPO / rel
        if not src.is_file():  # tracked but deleted in the working tree
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The built site (the ``_build/html`` folder), built once per session.

    The book is built from a clean copy of the repository (files git tracks
    plus untracked files that are not ignored) in a temporary folder, with
    ``jupyter-book build <copy> --toc book/_toc.yml -W -n --keep-going``,
    so a stale ``_build`` or a stray local file cannot hide a problem.  The
    copy's ``src/`` comes first on ``PYTHONPATH`` so the build uses the copied
    ``trialsim``.

    For quick local iteration, set ``COURSE_SITE_DIR`` to an existing built
    html folder (for example ``_build/html`` after ``./course build``) and
    the tests use it instead of building.
    """
    given = os.environ.get("COURSE_SITE_DIR")
    if given:
        path = Path(given).resolve()
        if not (path / "index.html").is_file():
            pytest.fail(f"COURSE_SITE_DIR={given} is not a built html folder (no index.html)")
        return path

    shared = _shared_dir(tmp_path_factory)
    _build_once(shared)  # waits for a build already started in the background
    built = json.loads((shared / "course-build.json").read_text())
    if "error" in built:
        pytest.fail(built["error"], pytrace=False)
    return Path(built["html"])


def _shared_dir(tmp_path_factory) -> Path:
    """A folder every pytest-xdist worker of this run shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_once(shared: Path, wait: bool = True) -> bool:
    """Build the site into ``shared`` unless this run has already done so; the
    first process to take the lock builds, the others wait for it (or, with
    ``wait=False``, return False at once). The outcome is in course-build.json."""
    with open(shared / "course-build.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        done = shared / "course-build.json"
        if not done.is_file():
            done.write_text(json.dumps(_build_site(shared / "course-build" / "course")))
    return True


def pytest_collection_finish(session):
    """When a selected test needs the built site, start the build at once in
    the background, so the tests that do not need it run meanwhile instead of
    a worker waiting for the build later."""
    needs_build = any(item.get_closest_marker("build") for item in session.items)
    if not needs_build or os.environ.get("COURSE_SITE_DIR") or session.config.option.collectonly:
        return
    shared = _shared_dir(session.config._tmp_path_factory)
    threading.Thread(target=_build_once, args=(shared, False), name="site-build", daemon=True).start()


def _build_site(copy: Path) -> dict:
    """Build the book from a clean copy at ``copy``: {"html": folder} or {"error": why}."""
    copy.mkdir(parents=True)
    _clean_copy(copy)
    if (REPO / "node_modules").is_dir():  # the pinned npm packages (jStat for the calculators)
        (copy / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    jupyter_book = VENV_BIN / "jupyter-book"
    if not jupyter_book.exists():
        found = shutil.which("jupyter-book")
        if not found:
            return {"error": f"jupyter-book not found next to {sys.executable} nor on PATH"}
        jupyter_book = Path(found)
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["TRIALSIM_DATA"] = str(copy / "datasets")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy / "src"), env.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [str(jupyter_book), "build", str(copy), "--toc", "book/_toc.yml", "-W", "-n", "--keep-going"],
        cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    out_dir = copy / "_build" / "html"
    if proc.returncode != 0 or not (out_dir / "index.html").is_file():
        tail = "\n".join(proc.stdout.splitlines()[-80:])
        return {"error": f"jupyter-book build failed (exit {proc.returncode}); last lines:\n{tail}"}
    return {"html": str(out_dir)}


# ---------------------------------------------------------------- serving
class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def site_url(site_dir):
    """Base URL (ending in '/') of the built site served on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ---------------------------------------------------------------- browser
def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if not exe or not Path(exe).exists():
        pytest.fail("no chromium: set CHROMIUM_PATH or install Debian's chromium (./course test does)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class PageRecord:
    """An open page and what it logged: console errors, page errors, requests."""

    page: object
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    loaded_at: float = 0.0

    def settle(self, seconds: float = 0.6) -> None:
        """Give the browser's own follow-up requests after ``load`` (the
        favicon, late fonts) time to be made and logged."""
        left = seconds - (time.monotonic() - self.loaded_at)
        if left > 0:
            self.page.wait_for_timeout(left * 1000)

    def foreign_requests(self) -> list[str]:
        from urllib.parse import urlsplit

        bad = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in ("127.0.0.1", "localhost"):
                bad.append(url)
        return bad

    def problems(self) -> list[str]:
        """Console errors, page errors and requests to another host so far
        (after letting the page settle)."""
        self.settle()
        out = [f"console error: {m}" for m in self.console_errors]
        out += [f"page error: {m}" for m in self.page_errors]
        out += [f"request to another host: {u}" for u in self.foreign_requests()]
        return out


@pytest.fixture
def open_page(browser, site_url):
    """``open_page("chapters/x.html")`` -> PageRecord, in a fresh browser context.

    Listeners are attached before navigation, so everything the page logs or
    requests from its first byte is recorded.  Contexts close at teardown."""
    contexts = []

    def _open(rel: str, viewport=(1280, 900), color_scheme: str = "light") -> PageRecord:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      service_workers="block", color_scheme=color_scheme)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        rec = PageRecord(page=page, url=site_url + rel)
        page.on("console", lambda msg: rec.console_errors.append(
            f"{msg.text} ({msg.location.get('url', '')}:{msg.location.get('lineNumber', '')})")
            if msg.type == "error" else None)
        page.on("pageerror", lambda err: rec.page_errors.append(str(err)))
        context.on("request", lambda req: rec.requests.append(req.url))
        page.goto(rec.url, wait_until="load")
        rec.loaded_at = time.monotonic()
        return rec

    yield _open
    for context in contexts:
        context.close()


# ---------------------------------------------------------------- parsing
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


@dataclass(repr=False)
class Node:
    tag: str
    attrs: dict
    parent: "Node | None" = None
    children: list = field(default_factory=list)
    text_parts: list = field(default_factory=list)

    def __repr__(self) -> str:
        attrs = " ".join(f"{k}={v!r}" for k, v in list(self.attrs.items())[:3])
        return f"<{self.tag}{' ' + attrs if attrs else ''}: {len(self.children)} children>"

    @property
    def text(self) -> str:
        """Text directly inside this element and its descendants."""
        parts = list(self.text_parts)
        for child in self.children:
            parts.append(child.text)
        return "".join(parts)

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs):
        """Descendants (and self) with ``tag`` and attributes; an attribute
        value of True means "present"; class_ matches one class token."""
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            ok = True
            for key, want in attrs.items():
                if key == "class_":
                    ok = want in (node.attrs.get("class") or "").split()
                else:
                    name = key.replace("_", "-")
                    if want is True:
                        ok = name in node.attrs
                    else:
                        ok = node.attrs.get(name) == want
                if not ok:
                    break
            if ok:
                yield node


class _TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].text_parts.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


@pytest.fixture(scope="session")
def site_pages(site_dir) -> dict[str, Node]:
    """Every built .html page (path relative to the site, with '/') -> parsed tree."""
    pages = {}
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        pages[rel] = parse_html(path.read_text(encoding="utf-8"))
    return pages


@pytest.fixture(scope="session")
def explorer_pages(site_pages) -> list[str]:
    """Pages that hold at least one ``[data-explorer]``, discovered from the build."""
    return [rel for rel, tree in site_pages.items() if any(tree.find_all(data_explorer=True))]


# ---------------------------------------------------------------- lanes
def pytest_collection_modifyitems(config, items):
    """Mark by what a test needs, so the quick lane (``./course test --quick``)
    can never start a book build, a browser or nbgrader by accident: a test
    that uses the built site is ``build``, one that uses the browser is
    ``browser``, and every test of the grading modules is ``grading``."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & {"site_dir", "site_url", "site_pages", "explorer_pages"}:
            item.add_marker(pytest.mark.build)
        if names & {"browser", "open_page"}:
            item.add_marker(pytest.mark.browser)
        if item.path.name.startswith("test_grading"):
            item.add_marker(pytest.mark.grading)


def pytest_addoption(parser):
    parser.addoption("--class-size", type=int, default=20,
                     help="students in the synthetic class ./course grade is tested on (300: the measured run)")
