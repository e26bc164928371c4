"""A class on a real JupyterHub, run end to end as the instructors' page sets
it up: JupyterHub with configurable-http-proxy (npm, pinned), a simple
authenticator, each user's server spawned as that user's own Linux account
(LocalProcessSpawner), and nbgrader's exchange in a temporary folder. One
instructor and three students go through the course's workflow by the Hub's
URLs, each with their own token: release, fetch, submit, collect, autograde,
feedback, fetch feedback. The scores are the expected ones, and a student
can read neither another student's submission nor the solutions (nor reach
another user's server).

Creating Linux accounts and spawning servers as them needs root (CI runs as
root); elsewhere the test is skipped and says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

from trialsim.grading import synthetic

pytestmark = [pytest.mark.grading, pytest.mark.xdist_group("jupyterhub-class")]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PS, COURSE_ID = synthetic.PS, "cells-on-trial"
TEACHER = "tsx-teacher"
STUDENTS = {"tsx-ann": "right", "tsx-ben": "exactly_k", "tsx-cal": "wrong_comparison"}
SERVICE_TOKEN = "course-test-" + os.urandom(16).hex()


def _free_ports(n: int) -> list[int]:
    """``n`` different free ports: held open together while they are chosen,
    since ports asked for one after another can come back the same (the
    proxy's public and API ports were once equal, and the Hub got 404s)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _stop_proxy(api_port: int) -> None:
    """Stop the configurable-http-proxy serving its API on ``api_port``, if
    one is still running."""
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "configurable-http-proxy" in cmdline and f"--api-port {api_port}" in cmdline:
            with contextlib.suppress(psutil.Error):
                proc.kill()


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, check=check)


def _open_to_all(paths: list[Path]) -> list[tuple[Path, int]]:
    """Let other accounts pass through the folders above Python and the
    course (``o+x``, not listing); return what to restore."""
    changed = []
    for path in paths:
        for folder in [path, *path.parents]:
            mode = folder.stat().st_mode
            if folder.is_dir() and not mode & stat.S_IXOTH:
                changed.append((folder, stat.S_IMODE(mode)))
                folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
    return changed


class Hub:
    def __init__(self, url: str, base: Path):
        self.url, self.base, self.tokens = url, base, {}

    def api(self, method: str, path: str, token: str = SERVICE_TOKEN, body: dict | None = None,
            form: dict | None = None, timeout: float = 300) -> tuple[int, object]:
        data, headers = None, {"Authorization": f"token {token}"}
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read().decode()
                return response.status, json.loads(text) if text.strip() else None
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()[:500]
        except urllib.error.URLError as err:   # not listening (yet)
            return 0, str(err)

    def as_user(self, user: str, method: str, path: str, **kw) -> tuple[int, object]:
        return self.api(method, f"/user/{user}{path}", token=self.tokens[user], **kw)

    def start(self, user: str) -> None:
        status, _ = self.api("POST", f"/hub/api/users/{user}/server")
        assert status in (201, 202), status
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            _, info = self.api("GET", f"/hub/api/users/{user}")
            server = (info or {}).get("servers", {}).get("", {})
            if server.get("ready"):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"{user}'s server did not start: {info}")
        status, token = self.api("POST", f"/hub/api/users/{user}/tokens", body={"note": "course test"})
        assert status == 201, token
        self.tokens[user] = token["token"]


@pytest.fixture(scope="module")
def hub():
    if os.geteuid() != 0:
        pytest.skip("needs root: the Hub creates Linux accounts and spawns each user's server as that user")
    proxy = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    assert proxy.exists(), "configurable-http-proxy is installed by ./course (npm ci) from package-lock.json"
    base = Path(tempfile.mkdtemp(prefix="tsx-hub-", dir="/tmp"))
    base.chmod(0o755)
    reopened = _open_to_all([Path(os.path.realpath(sys.executable)).parent, Path(sys.prefix), ROOT])
    users = [TEACHER, *STUDENTS]
    process = log = None
    hub = Hub("", base)
    try:
        for user in users:
            _run("userdel", "-r", user, check=False)
            _run("useradd", "-m", "-d", str(base / "home" / user), "-s", "/bin/sh", user)
            (base / "home" / user).chmod(0o700)
        exchange = base / "exchange"
        exchange.mkdir()
        exchange.chmod(0o777 | stat.S_ISVTX)
        (base / "etc").mkdir()
        (base / "etc" / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n")
        (base / "etc").chmod(0o755)
        home = base / "home" / TEACHER
        course = home / "course"
        course.mkdir()
        shutil.copy2(ROOT / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "solutions" / PS, course / "solutions" / PS)
        (home / ".jupyter").mkdir()
        (home / ".jupyter" / "nbgrader_config.py").write_text(
            f"exec(open({str(course / 'nbgrader_config.py')!r}).read())\n"
            f"c.CourseDirectory.root = {str(course)!r}\n"
            f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"
            "c.Execute.timeout = 10\n")
        _run("chown", "-R", f"{TEACHER}:{TEACHER}", str(home))

        port, hub_port, api_port = _free_ports(3)
        config = base / "jupyterhub_config.py"
        config.write_text(textwrap.dedent(f"""
    c = get_config()
    c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
    c.JupyterHub.hub_port = {hub_port}
    c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
    c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]
    c.JupyterHub.db_url = "sqlite:///{base / 'hub.sqlite'}"
    c.JupyterHub.cookie_secret_file = "{base / 'cookie_secret'}"
    c.JupyterHub.pid_file = "{base / 'hub.pid'}"
    c.JupyterHub.authenticator_class = "dummy"
    c.Authenticator.allowed_users = {set(users)!r}
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    c.Spawner.cmd = [{str(BIN / 'jupyterhub-singleuser')!r}]
    c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": "{base / 'etc'}", "PATH": "{BIN}:/usr/bin:/bin"}}
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180
    c.JupyterHub.services = [{{"name": "course-test", "api_token": {SERVICE_TOKEN!r}}}]
    c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
                                 "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
    """))
        log = open(base / "hub.log", "w")
        env = dict(os.environ, PATH=f"{BIN}:{proxy.parent}:{os.environ.get('PATH', '')}")
        process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=base, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        hub.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while hub.api("GET", "/hub/api/")[0] != 200:
            assert process.poll() is None and time.monotonic() < deadline, (base / "hub.log").read_text()[-3000:]
            time.sleep(0.5)
        for user in users:
            hub.start(user)
        yield hub
    finally:
        for user in users:
            with contextlib.suppress(Exception):
                hub.api("DELETE", f"/hub/api/users/{user}/server", timeout=30)
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            _stop_proxy(api_port)  # a Hub that failed to start leaves its proxy running
        if log is not None:
            log.close()
        for user in users:
            _run("pkill", "-u", user, check=False)
            _run("userdel", "-r", user, check=False)
        for folder, mode in reversed(reopened):
            folder.chmod(mode)
        shutil.rmtree(base, ignore_errors=True)


def _submission(kind: str, fetched: dict) -> dict:
    """The student's notebook: the fetched release, answered as ``kind``."""
    release = nbformat.from_dict(fetched)
    source = nbformat.read(ROOT / "solutions" / PS / f"{PS}.ipynb", as_version=4)
    return json.loads(synthetic.submission(kind, release, source, Path("/nonexistent"), "nobody"))


def test_a_class_on_jupyterhub_from_release_to_feedback(hub):
    form = {"course_id": COURSE_ID, "assignment_id": PS}
    # the instructor releases the problem set to the exchange
    status, out = hub.as_user(TEACHER, "POST", f"/formgrader/api/assignment/{PS}/assign")
    assert status == 200 and out["success"], out
    status, out = hub.as_user(TEACHER, "POST", f"/formgrader/api/assignment/{PS}/release")
    assert status == 200 and out["success"], out

    # each student fetches it, answers in their own way and submits
    for student, kind in STUDENTS.items():
        status, out = hub.as_user(student, "POST", "/assignments/fetch", form=form)
        assert status == 200 and any(a["assignment_id"] == PS for a in out["value"]), out
        path = f"/api/contents/{PS}/{PS}.ipynb"
        status, fetched = hub.as_user(student, "GET", path)
        assert status == 200, fetched
        status, out = hub.as_user(student, "PUT", path, body={"type": "notebook", "format": "json",
                                                             "content": _submission(kind, fetched["content"])})
        assert status in (200, 201), out
        status, out = hub.as_user(student, "POST", "/assignments/submit", form=form)
        assert status == 200 and "success" not in out or out.get("success", True), out

    # the instructor collects, autogrades each, and releases the feedback
    status, out = hub.as_user(TEACHER, "POST", f"/formgrader/api/assignment/{PS}/collect")
    assert status == 200 and out["success"], out
    worth = synthetic.points(nbformat.read(ROOT / "solutions" / PS / f"{PS}.ipynb", as_version=4))
    for student, kind in STUDENTS.items():
        status, out = hub.as_user(TEACHER, "POST", f"/formgrader/api/submission/{PS}/{student}/autograde")
        assert status == 200 and out["success"], out
        status, sub = hub.as_user(TEACHER, "GET", f"/formgrader/api/submission/{PS}/{student}")
        expected = sum(p for test, p in worth.items() if test not in synthetic.KINDS[kind][1])
        assert status == 200 and sub["code_score"] == expected, (student, kind, sub)
    for action in ("generate_feedback", "release_feedback"):
        status, out = hub.as_user(TEACHER, "POST", f"/formgrader/api/assignment/{PS}/{action}")
        assert status == 200 and out["success"], (action, out)

    # each student fetches their own feedback
    for student in STUDENTS:
        status, out = hub.as_user(student, "POST", "/assignments/fetch_feedback", form=form)
        assert status == 200, out
        status, listing = hub.as_user(student, "GET", f"/api/contents/{PS}/feedback")
        assert status == 200 and listing["type"] == "directory" and listing["content"], listing


def test_a_student_reads_neither_another_students_work_nor_the_solutions(hub):
    ann, ben = list(STUDENTS)[:2]
    # through the Hub: another user's server refuses the student's token
    status, _ = hub.api("GET", f"/user/{ben}/api/contents/{PS}", token=hub.tokens[ann])
    assert status in (403, 404), status
    status, _ = hub.api("GET", f"/user/{TEACHER}/api/contents/course/solutions", token=hub.tokens[ann])
    assert status in (403, 404), status
    # on the server's disk, as the student's own account
    inbound = hub.base / "exchange" / COURSE_ID / "inbound"
    for target in (inbound, hub.base / "home" / ben, hub.base / "home" / TEACHER / "course" / "solutions"):
        proc = _run("runuser", "-u", ann, "--", "ls", str(target), check=False)
        assert proc.returncode != 0 and "Permission denied" in proc.stderr, (target, proc)
    # nbgrader's exchange: the inbound folder cannot be listed by students, so a
    # submission is found only by its name, which ends in 72 random bits
    bens = next(p for p in inbound.iterdir() if p.name.startswith(f"{ben}+"))
    assert len(bens.name.rsplit("+", 1)[1]) == 12, bens.name
    assert stat.S_IMODE(inbound.stat().st_mode) & (stat.S_IROTH | stat.S_IRGRP) == 0


def test_each_users_server_runs_as_that_user_in_bounded_memory(hub):
    """Each user's JupyterLab server is a process of that user's own account;
    its memory is printed (the instructors' page sizes a hub with it)."""
    import psutil

    servers = {}
    for proc in psutil.process_iter(["username", "cmdline", "memory_info"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "jupyterhub-singleuser" in cmd and proc.info["username"] in (TEACHER, *STUDENTS):
            servers[proc.info["username"]] = round(proc.info["memory_info"].rss / 2**20)
    assert set(servers) == {TEACHER, *STUDENTS}, servers
    print(f"each user's server: {servers} MB")
    assert all(mb < 1024 for mb in servers.values()), servers
