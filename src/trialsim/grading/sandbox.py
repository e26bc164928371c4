"""The kernel a submission runs in when ``./course grade`` grades a class.

``trialsim.grading.batch`` gives each grading worker a kernel spec whose
command is ``unshare --user --map-root-user --mount -- python -m
trialsim.grading.sandbox [options] -- python -m ipykernel_launcher -f FILE``.
Inside that new mount namespace this module, before it becomes the kernel:

* makes each ``--protect`` folder read-only (the course's folder, with the
  solutions, the gradebook, every other student's submission and graded
  copy; the grader's home), then makes the folder the kernel starts in (the
  student's own graded copy) writable again: a submission that writes
  outside its folder gets ``Read-only file system`` and harms nothing;
* bounds the kernel's memory (``--memory-mb``, the address space) and the size
  of any file it writes (``--file-mb``): a memory hog gets ``MemoryError`` in
  its own cell;
* keeps numerical libraries to one thread, so parallel workers do not fight
  over the cores.

Without ``unshare`` (see ``sandbox_works``) the grader runs this module
directly: the limits still apply, the folders are not protected, and the
grader says so.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile

UNSHARE = ["unshare", "--user", "--map-root-user", "--mount", "--"]
THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def sandbox_works() -> bool:
    """Whether this machine lets the grader make a mount namespace whose
    folders it can make read-only (unprivileged user namespaces, or root)."""
    probe = (f"{sys.executable} -c \"import os, tempfile; d = tempfile.mkdtemp(); "
             f"os.system('mount --bind ' + d + ' ' + d + ' && mount -o remount,bind,ro ' + d + ' ' + d); "
             f"open(os.path.join(d, 'x'), 'w')\"")
    try:
        proc = subprocess.run([*UNSHARE, "sh", "-c", probe], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode != 0 and "Read-only file system" in proc.stderr


def kernel_argv(protect: list[str], memory_mb: int, file_mb: int, isolate: bool) -> list[str]:
    """The kernel spec's command: the sandbox (in a new mount namespace when
    ``isolate``), then the IPython kernel."""
    argv = [sys.executable, "-m", "trialsim.grading.sandbox", "--memory-mb", str(memory_mb),
            "--file-mb", str(file_mb)]
    if isolate:
        for folder in protect:
            argv += ["--protect", folder]
    argv += ["--", sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    return [*UNSHARE, *argv] if isolate else argv


def in_own_namespace() -> bool:
    """Whether this process runs in a user namespace of its own (``unshare
    --map-root-user`` maps one user id; the machine's own namespace maps them all)."""
    try:
        with open("/proc/self/uid_map") as fh:
            rows = [line.split() for line in fh if line.strip()]
    except OSError:
        return False
    return len(rows) == 1 and rows[0][2] != "4294967295"


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def protect(folders: list[str], writable: str) -> None:
    """Make ``folders`` read-only in this mount namespace, and ``writable``
    (inside one of them) writable."""
    for folder in folders:
        if os.path.isdir(folder):
            _mount("--bind", folder, folder)
            _mount("-o", "remount,bind,ro", folder, folder)
    _mount("--bind", writable, writable)
    _mount("-o", "remount,bind,rw", writable, writable)
    # the working folder was entered before the mounts: enter it again, through
    # them, or relative paths would still reach the writable folders beneath
    os.chdir(writable)


def main(argv: list[str] | None = None) -> None:
    """Set the limits (and, in a mount namespace, protect the folders), then
    become the kernel command after ``--``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="python -m trialsim.grading.sandbox")
    parser.add_argument("--protect", action="append", default=[])
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--file-mb", type=int, required=True)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    # the folders are remounted only in a namespace of the grader's own, never the machine's
    if args.protect and in_own_namespace():
        protect([os.path.realpath(p) for p in args.protect], os.path.realpath(os.getcwd()))
    memory = args.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    size = args.file_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    for name in THREADS:
        os.environ[name] = "1"
    scratch = tempfile.mkdtemp(prefix="grading-kernel-")   # IPython's and matplotlib's settings, not the home's
    os.environ["IPYTHONDIR"] = os.path.join(scratch, "ipython")
    os.environ["MPLCONFIGDIR"] = os.path.join(scratch, "matplotlib")
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
