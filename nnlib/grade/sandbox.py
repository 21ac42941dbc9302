"""The sandbox one submission's kernel runs in, built from standard Linux tools.

``Sandbox.command(argv)`` wraps the kernel's command line so that it runs:

- inside **bubblewrap** (Debian package ``bubblewrap``) when ``bwrap`` exists: new PID, network,
  IPC and UTS namespaces (no network at all, no view of other processes), ``--die-with-parent``
  (the kernel and everything it started die with the grader's handle on it), a root file system
  that holds only read-only binds of the system (``/usr``, ``/lib``, ``/bin``, ``/etc``), the
  Python installation and virtual environment, and the ``nnlib`` package, plus a private
  ``/tmp`` (a size-limited tmpfs, the kernel's working folder) and one folder for the kernel's
  sockets. The reference notebook, the solutions, the CSV and the grader's files are not in it;
- as an **unprivileged user**: ``setpriv --reuid U --regid U --clear-groups`` with all capabilities
  dropped, U a numeric uid of its own per sandbox (so two kernels cannot signal each other and
  the process limit counts one kernel's processes only), when the grader runs as root;
- with **resource limits** (``resource.setrlimit`` just before the kernel starts): CPU seconds,
  address space, file size, number of processes, open files;
- with a **clean environment**: only the variables listed in :func:`clean_env`, nothing of the grader's.

Without ``bwrap`` the grader says so and falls back to: the unprivileged uid (``setpriv``, when
root and the Python installation is readable by that uid), ``unshare --net`` (no network; root
only), the resource limits, the clean environment and a fresh working folder on the host disk. In
that fallback the kernel can read every file its uid can read, so class mode (a private
reference) refuses to run there unless the instructor passes ``--accept-unsandboxed-risk``
(:data:`nnlib.grade.grader.FALLBACK_LIMITS`). Not root and no bwrap: resource limits and clean
environment only.

What exists is probed (:mod:`nnlib.grade.platform`), not assumed. In a **container** that forbids
namespaces (no CAP_SYS_ADMIN: Docker's default, Gradescope, a Kubernetes pod) neither bubblewrap
nor ``unshare`` can work; the container already isolates the one submission it grades, so the
grader says so and keeps what still works there: the uid drop (``setpriv``: a reference folder
``chmod 700`` owned by root stays unreadable to the kernel) and the resource limits. On a laptop
without ``/proc``, ``resource``, ``setpriv`` or POSIX process groups (macOS, Windows) each missing
piece is skipped and named in one line (:func:`nnlib.grade.platform.skipped_line`).
"""

import itertools
import os
import secrets
import subprocess
import sys
import sysconfig
import threading
from dataclasses import dataclass
from pathlib import Path

from . import platform as host

#: The uids the sandboxes run as, a block that no ordinary account uses.
UID_BASE, UID_COUNT = 61000, 1000

# Each grading process starts at its own random place in the block, and skips a uid that still has
# processes: two graders at once (or a kernel's leftovers) must never share a uid, since the process
# limit (RLIMIT_NPROC) counts every process of a uid.
_uids = itertools.count(secrets.randbelow(UID_COUNT))


def _uids_in_use():
    """The uids of the block that some process runs as now."""
    used = set()
    if not host.has_proc():  # macOS, Windows: the random start in the block has to do
        return used
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("Uid:"):
                    uid = int(line.split()[1])
                    if UID_BASE <= uid < UID_BASE + UID_COUNT:
                        used.add(uid)
                    break
        except (OSError, ValueError, IndexError):
            continue
    return used
_uid_lock = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """Resource limits of one kernel (whole notebook, not per cell)."""

    cpu_seconds: int = 120        # CPU time of the kernel process
    memory_bytes: int = 2 << 30   # address space (numpy + IPython need about 0.6 GiB of it)
    file_bytes: int = 16 << 20    # largest file the kernel may write
    processes: int = 64           # processes and threads of the sandbox's uid
    open_files: int = 256
    tmp_bytes: int = 64 << 20     # size of the private /tmp (bubblewrap only)

    def describe(self):
        return (f"CPU {self.cpu_seconds} s, memory {self.memory_bytes >> 20} MiB, files "
                f"{self.file_bytes >> 20} MiB, {self.processes} processes, /tmp {self.tmp_bytes >> 20} MiB")


#: run by the sandbox's Python just before the kernel: set the limits, then exec the kernel
_LIMITS_CODE = (
    "import os, resource, sys\n"
    # Linux: die with the grader (SIGKILL when the grading thread's process is gone), set after
    # setpriv changed the uid (a change of uid clears it); where prctl does not exist, nothing.
    "try:\n"
    "    import ctypes\n"
    "    ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)\n"
    "except Exception:\n"
    "    pass\n"
    "for name, value in zip(('RLIMIT_CPU', 'RLIMIT_AS', 'RLIMIT_FSIZE', 'RLIMIT_NPROC', 'RLIMIT_NOFILE'),"
    " map(int, sys.argv[1:6])):\n"
    "    resource.setrlimit(getattr(resource, name), (value, value))\n"
    "os.execv(sys.argv[6], sys.argv[6:])\n"
)


def clean_env(home, config=None):
    """The whole environment of a kernel: no variable of the grader's is passed on. IPython's and
    matplotlib's folders go to ``config`` (the socket folder), so the working folder stays empty."""
    config = config or home
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": config,
        "IPYTHONDIR": os.path.join(config, "ipython"),
        "JUPYTER_RUNTIME_DIR": config,
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OPENBLAS_NUM_THREADS": "1",  # one thread: fewer processes, same numbers on every machine
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }


def _which(name):
    return host.which(name)


def _python_roots():
    """Folders the kernel's Python needs: the installation, the virtual environment, site-packages."""
    roots = {Path(sys.base_prefix), Path(sys.prefix)}
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(Path(path))
    real = {Path(os.path.realpath(sys.executable)).parent.parent}
    return sorted({r.resolve() for r in roots | real if r.exists()}, key=str)


def _minimal(paths):
    """Drop every path that lies inside another one of the list."""
    out = []
    for p in sorted(paths, key=lambda p: len(p.parts)):
        if not any(p == q or q in p.parents for q in out):
            out.append(p)
    return out


class Sandbox:
    """How kernels are confined on this machine (decided once, see :func:`detect`)."""

    def __init__(self, mode, note, limits=Limits(), package_root=None, drop_uid=False, rlimits=True,
                 unshare=None, skipped=""):
        self.mode = mode            # "bwrap", "container" or "fallback"
        self.note = f"{note}. {skipped}" if skipped else note  # one line: what is used, what is missing
        self.limits = limits
        self.package_root = Path(package_root or Path(__file__).resolve().parents[2])
        self.drop_uid = drop_uid
        self.rlimits = rlimits      # the resource module exists (not on Windows)
        self.unshare = unshare      # path of a working unshare (fallback mode), or None
        self.skipped = skipped      # ONE line: what this machine lacks (platform.skipped_line), or ""
        self.issued = []

    def new_uid(self):
        """A uid for the next kernel (kept in ``issued``: a test can look for its processes)."""
        with _uid_lock:
            used = _uids_in_use() | set(self.issued[-64:])
            for _ in range(UID_COUNT):
                uid = UID_BASE + next(_uids) % UID_COUNT
                if uid not in used:
                    break
            self.issued.append(uid)
            return uid

    # the folder the kernel sees as its socket folder, and its working folder
    def inside_paths(self, run_dir, work_dir):
        if self.mode == "bwrap":
            return "/run/kernel", "/tmp/work"
        return str(run_dir), str(work_dir)

    def command(self, argv, run_dir, work_dir, uid, library=None):
        """The command line that starts ``argv`` (the kernel, run by this Python) in the sandbox.
        ``library`` is the folder holding the ``nnlib`` package the kernel gets (default: this one;
        the grader passes a copy without the forbidden helpers, :func:`nnlib.grade.guard.library_without`)."""
        lim = self.limits
        limited = list(argv)
        if self.rlimits:
            limited = [sys.executable, "-I", "-S", "-c", _LIMITS_CODE, str(lim.cpu_seconds), str(lim.memory_bytes),
                       str(lim.file_bytes), str(lim.processes), str(lim.open_files), *argv]
        setpriv = []
        if self.drop_uid:
            setpriv = [_which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                       "--inh-caps=-all", "--bounding-set=-all", "--"]
        if self.mode != "bwrap":
            prefix = [self.unshare, "--net", "--"] if self.unshare and self.mode == "fallback" else []
            return prefix + setpriv + limited
        cmd = [_which("bwrap"), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--hostname", "grader"]
        if self.drop_uid:
            cmd += ["--cap-add", "CAP_SETUID,CAP_SETGID"]  # only for setpriv, which drops them all
        binds = [Path(p) for p in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/libx32", "/etc/alternatives",
                                   "/etc/ld.so.cache", "/etc/ssl", "/etc/localtime") if os.path.exists(p)]
        package = Path(library or self.package_root) / "nnlib"
        mounts = [(r, "/opt/nnlib/nnlib" if r == package else str(r)) for r in _minimal(_python_roots() + [package])]
        mounts = [(r, t) for r, t in mounts if not any(r == b or b in r.parents for b in binds)]
        # The private /tmp first: a mount laid later on a path under /tmp (a checkout or a virtual
        # environment in /tmp, as CI may have) must sit on top of it, not be hidden by it.
        cmd += ["--proc", "/proc", "--dev", "/dev", "--size", str(lim.tmp_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
        # bubblewrap creates the parents of a mount point mode 0700: make them 0755 so uid U can pass
        parents = sorted({q for _, t in mounts for q in Path(t).parents if str(q) != "/"}, key=lambda p: len(p.parts))
        for q in parents:
            if not any(q == b or b in q.parents for b in binds):
                cmd += ["--perms", "0755", "--dir", str(q)]
        for b in binds:
            cmd += ["--ro-bind", str(b), str(b)]
        for r, t in mounts:
            cmd += ["--ro-bind", str(r), t]
        # The working folder lives in the private tmpfs (its size is the disk limit), not on the host.
        cmd += ["--perms", "0777", "--dir", "/tmp/work", "--perms", "0755", "--dir", "/run",
                "--bind", str(run_dir), "/run/kernel",
                "--chdir", "/tmp/work", "--clearenv"]
        for key, value in clean_env("/tmp/work", "/run/kernel").items():
            cmd += ["--setenv", key, value]
        cmd += ["--setenv", "PYTHONPATH", "/opt/nnlib", "--"]
        return cmd + setpriv + limited

    def env(self, work_dir, run_dir=None, library=None):
        """The environment given to the command (bubblewrap clears it again inside)."""
        env = clean_env(str(work_dir), str(run_dir) if run_dir else None)
        if self.mode != "bwrap":
            env["PYTHONPATH"] = str(library or self.package_root)
        return env

    def prepare(self, run_dir, work_dir, uid):
        """Give the kernel's folders to its uid (the grader's own files stay root's)."""
        if self.drop_uid and Path(run_dir).parent == Path(work_dir).parent:
            # the kernel's uid must pass through their common parent (a 0700 temporary folder of
            # root's) to reach them; 0711 lets it pass without listing anything
            os.chmod(Path(run_dir).parent, 0o711)
        for d in (run_dir, work_dir):
            os.chmod(d, 0o700)  # (on Windows only the read-only bit is honoured: harmless)
            if self.drop_uid:
                os.chown(d, uid, uid)

    def kill_leftovers(self, uid):
        """Kill every process still running as the sandbox's uid (fallback mode: a child the kernel
        detached survives the kernel's process group). Returns how many were killed."""
        if not self.drop_uid or not host.has_proc():
            return 0
        killed = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            line = next((x for x in status.splitlines() if x.startswith("Uid:")), "")
            if line.split()[1:2] == [str(uid)]:
                try:
                    os.kill(int(entry.name), 9)
                    killed += 1
                except OSError:
                    pass
        return killed


_detected = None


def _can_drop_to(uid):
    """Can a process of this uid run our Python? (/root/.pyenv under /root, mode 0700, cannot.)"""
    try:
        proc = subprocess.run([_which("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                               sys.executable, "-I", "-S", "-c",
                               "import os, sys; os.execv(sys.executable, [sys.executable, '-c', 'import numpy'])"],
                              capture_output=True, timeout=30, env=clean_env("/tmp"), cwd="/")
        return proc.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def detect(limits=None, force_fallback=False):
    """The sandbox this machine supports, probed (:func:`nnlib.grade.platform.probe`): bubblewrap if
    present and working; else, where namespaces are not permitted (a container), the container
    mode; else the fallback. ``force_fallback`` (or the environment variable NNLIB_GRADE_NO_BWRAP=1)
    skips bubblewrap. The note is one line; what the machine lacks is a second one (``skipped``)."""
    global _detected
    limits = limits or Limits()
    force_fallback = force_fallback or os.environ.get("NNLIB_GRADE_NO_BWRAP") == "1"
    key = (limits, force_fallback, os.environ.get("PATH", ""))
    if _detected is not None and _detected[0] == key:
        return _detected[1]
    found = host.probe()
    root, setpriv, rlimits = found.root, bool(found.setpriv), found.rlimits
    skipped = found.line()
    limits_text = f"limits: {limits.describe()}" if rlimits else "limits: per-cell and per-notebook time only"
    if found.bwrap and not force_fallback:
        box = Sandbox("bwrap", "sandbox: bubblewrap (no network, private /tmp, read-only code)"
                      + (", unprivileged uid via setpriv" if root and setpriv else "")
                      + f"; {limits_text}", limits, drop_uid=root and setpriv, rlimits=rlimits, skipped=skipped)
        if _bwrap_works(box):
            _detected = (key, box)
            return box
        why = "bubblewrap is installed but cannot create a sandbox here"
    else:
        why = "bubblewrap (bwrap) is not installed" if not force_fallback else "bubblewrap switched off"
    drop = root and setpriv and _can_drop_to(UID_BASE + UID_COUNT - 1)
    user = ("unprivileged uid via setpriv" if drop else
            "the kernel runs as the grader's user (not root, setpriv missing, or this Python is not "
            "usable by another uid), so it can read and write what the grader can")
    if found.unshare_denied:
        # Root, yet no namespace may be created: an unprivileged container (Gradescope, Docker,
        # Kubernetes). The container isolates this one submission; the uid keeps it from the reference.
        note = (f"sandbox: CONTAINER ({why}; namespaces are not permitted here, so "
                f"{host.in_container_hint()} is what isolates this submission's network and files); {user}; "
                + ("a reference folder chmod 700 owned by root is unreadable to the kernel; " if drop else "")
                + limits_text)
        box = Sandbox("container", note, limits, drop_uid=drop, rlimits=rlimits, skipped=skipped)
        _detected = (key, box)
        return box
    parts = [f"sandbox: FALLBACK ({why}; Debian: apt-get install bubblewrap)", user]
    if found.unshare:
        parts.append("no network via unshare")
    parts.append("the kernel sees the host's files and nnlib's original sources, and its working folder is on "
                 "the host disk: class mode refuses this unless given --accept-unsandboxed-risk")
    box = Sandbox("fallback", "; ".join(parts) + f"; {limits_text}", limits, drop_uid=drop, rlimits=rlimits,
                  unshare=found.unshare, skipped=skipped)
    _detected = (key, box)
    return box


def _bwrap_works(box):
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nnlib-sbx-") as tmp:
        run_dir, work_dir = Path(tmp, "run"), Path(tmp, "work")
        run_dir.mkdir()
        work_dir.mkdir()
        uid = box.new_uid()
        box.prepare(run_dir, work_dir, uid)
        cmd = box.command([sys.executable, "-c", "import nnlib"], run_dir, work_dir, uid)
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=60, env=box.env(work_dir), cwd="/")
        except (OSError, subprocess.SubprocessError):
            return False
        return proc.returncode == 0
