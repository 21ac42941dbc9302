"""What this machine lets the grader use, probed rather than assumed.

The grader runs on a student's laptop (Linux, macOS, Windows), on an instructor's server, and
inside a container that already isolates one submission (Gradescope, a Kubernetes Job). Each of
the tools it confines a kernel with exists on some of these only:

- ``/proc`` (Linux): the guard counts the kernel's OS threads there, the sandbox finds a uid's
  leftover processes there;
- the ``resource`` module (POSIX): CPU, memory, file, process limits;
- ``bwrap`` (bubblewrap), ``unshare`` (namespaces: Linux, and only with CAP_SYS_ADMIN, which an
  unprivileged container does not have), ``setpriv`` (a uid of its own: Linux, as root);
- ``os.geteuid``, ``os.killpg``, ``os.chown``, ``signal.SIGALRM``, ``os.fork`` and POSIX file
  modes (not on Windows).

:func:`probe` looks for each one once; :func:`skipped_line` says in ONE line which of them this
machine lacks and what the grader does without them. Everything here is cheap except the
``unshare`` probe, which starts one short process (Linux, root only).
"""

import importlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field

#: folders searched for system tools after PATH (setpriv and unshare live in sbin on some systems)
_SBIN = ("/usr/sbin", "/sbin")


def which(name):
    """The tool ``name`` on PATH (then in /usr/sbin, /sbin), or None. PATH decides, so that an
    instructor (or a test) can take a tool away by leaving it off PATH."""
    path = os.pathsep.join([os.environ.get("PATH", os.defpath), *_SBIN])
    return shutil.which(name, path=path)


def is_root():
    """Effective uid 0 (False where uids do not exist, as on Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def has_proc():
    """A Linux /proc with per-thread entries (not on macOS or Windows, nor where it is hidden)."""
    return os.path.isdir("/proc/self/task")


def resource_module():
    """The ``resource`` module, or None where it does not exist (Windows) or cannot be imported."""
    try:
        return importlib.import_module("resource")
    except ImportError:
        return None


def _unshare_works(unshare):
    """Can this process create a network namespace? (Root with CAP_SYS_ADMIN: yes; an unprivileged
    container, e.g. Docker's default capability set: no.)"""
    try:
        proc = subprocess.run([unshare, "--net", "--", sys.executable, "-I", "-S", "-c", "pass"],
                              capture_output=True, timeout=30, cwd="/")
        return proc.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@dataclass(frozen=True)
class Platform:
    """The result of :func:`probe`: what exists here (True) and what does not."""

    posix: bool
    root: bool
    proc: bool
    rlimits: bool
    bwrap: str = None     # path of bwrap, if on PATH (whether it works is tried by the sandbox)
    setpriv: str = None
    unshare: str = None   # path of unshare, only if it can create a namespace here
    unshare_denied: bool = False  # unshare exists but namespaces are not allowed (a container)
    killpg: bool = True
    chown: bool = True
    sigalrm: bool = True
    fork: bool = True
    missing: tuple = field(default=())  # one short phrase per missing feature, for skipped_line

    def line(self):
        return skipped_line(self)


def probe():
    """Probe this machine once per call (cheap: one short process at most)."""
    posix = os.name == "posix"
    root = is_root()
    proc = has_proc()
    rlimits = resource_module() is not None
    bwrap = which("bwrap")
    setpriv = which("setpriv") if posix else None
    unshare_path = which("unshare") if posix else None
    unshare, denied = None, False
    if unshare_path and root:
        if _unshare_works(unshare_path):
            unshare = unshare_path
        else:
            denied = True
    missing = []
    if not proc:
        missing.append("/proc (threads counted by Python's threading module only; leftover processes "
                       "found through the kernel's process group)")
    if not rlimits:
        missing.append("the resource module (no CPU, memory, file or process limits; the per-cell "
                       "and per-notebook time limits still apply)")
    if not bwrap:
        missing.append("bubblewrap (no private file system or network namespace)")
    if posix and not setpriv and root:
        missing.append("setpriv (the kernel keeps the grader's uid)")
    if denied:
        missing.append("namespaces (unshare is not permitted: a container without CAP_SYS_ADMIN)")
    if not hasattr(os, "killpg"):
        missing.append("process groups (the kernel alone is killed)")
    if not hasattr(os, "chown") or not posix:
        missing.append("POSIX owners and file modes")
    if not hasattr(signal, "SIGALRM"):
        missing.append("SIGALRM (time limits are kept by the grader's clock)")
    if not hasattr(os, "fork"):
        missing.append("os.fork (every process is started with subprocess)")
    return Platform(posix=posix, root=root, proc=proc, rlimits=rlimits, bwrap=bwrap, setpriv=setpriv,
                    unshare=unshare, unshare_denied=denied, killpg=hasattr(os, "killpg"),
                    chown=hasattr(os, "chown"), sigalrm=hasattr(signal, "SIGALRM"), fork=hasattr(os, "fork"),
                    missing=tuple(missing))


def skipped_line(platform):
    """ONE line naming what this machine lacks and what the grader does instead ('' if nothing)."""
    if not platform.missing:
        return ""
    return "not available here, skipped: " + "; ".join(platform.missing)


def in_container_hint():
    """A container marker file or environment variable, for the note only (the probes decide)."""
    if os.environ.get("NNLIB_GRADE_CONTAINER") == "1":
        return "the grading container"
    if os.path.exists("/.dockerenv"):
        return "a Docker container"
    if os.environ.get("KUBERNETES_SERVICE_HOST"):
        return "a Kubernetes pod"
    if os.path.isdir("/autograder"):
        return "Gradescope's container"
    return "a container"
