"""One IPython kernel in its sandbox, driven from the grader's process with jupyter_client.

The grader starts ``python -m ipykernel_launcher`` through :mod:`nnlib.grade.sandbox` and talks
to it over ZeroMQ ``ipc`` sockets in a folder of their own (Unix sockets reach into the sandbox's
empty network namespace; TCP would not). It sends each cell as an ``execute_request`` and reads
what the kernel publishes: the outputs are compared with the reference in the grader, never in
the kernel, and nothing the kernel writes to a file is read back.

Limits enforced here: a per-cell timeout (an interrupt, then the kernel is killed if it does not
stop), a deadline for the whole notebook, and a cap on the output kept per cell.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .verdict import MIME

#: at most this many characters of one cell's output are kept (the rest is counted, not stored)
OUTPUT_CAP = 64 * 1024

#: a larger message from the kernel makes ZeroMQ drop the connection (the grader never holds more)
MAX_MESSAGE = 8 << 20

#: at most this many report() values are kept per cell
MAX_REPORTS = 1000

#: seconds a kernel has to start and answer kernel_info
START_TIMEOUT = 60.0

#: seconds an interrupted cell has to stop before the kernel is killed
INTERRUPT_GRACE = 3.0


#: ZeroMQ over Unix sockets (POSIX); Windows uses local TCP ports instead
IPC = os.name == "posix"


def _free_ports(count):
    """``count`` free local TCP ports (Windows only: elsewhere the kernel's sockets are Unix sockets)."""
    import socket

    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _listening(port):
    """Does something accept TCP connections on this local port?"""
    import socket

    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


#: the pids of the kernel processes this grader started and has not reaped yet (see sweep_orphans)
_PROCS = set()
_PROCS_LOCK = __import__("threading").Lock()
#: set by become_subreaper(): orphaned descendants of a kernel are re-parented to this process
_SUBREAPER = [False]


def become_subreaper():
    """Linux: make this process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER), so
    that a process a kernel detached (a new session, a double fork) can still be found and killed
    when the kernel is killed. The command line does this; elsewhere it does nothing."""
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0:
            _SUBREAPER[0] = True
    except (OSError, AttributeError):
        pass
    return _SUBREAPER[0]


def sweep_orphans():
    """Kill (and reap) every child of this process that is not a live kernel: with the subreaper
    set, those are processes a killed kernel left behind. Returns how many were killed."""
    if not _SUBREAPER[0] or not os.path.isdir("/proc"):
        return 0
    me, killed = os.getpid(), 0
    with _PROCS_LOCK:
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in _PROCS:
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me:
                try:
                    os.kill(int(entry), signal.SIGKILL)
                    killed += 1
                except OSError:
                    pass
                try:
                    os.waitpid(int(entry), 0)
                except OSError:
                    pass
    return killed


class KernelDied(Exception):
    """The kernel stopped (or was killed) while a cell ran."""


@dataclass
class CellRun:
    """What one execute_request produced, as the grader saw it."""

    status: str = "ok"  # "ok", "error", "timeout", "dead", "deadline"
    outputs: list = field(default_factory=list)  # [(kind, text)], kind "stdout", "stderr" or "text/plain"
    ename: str = None
    evalue: str = ""
    traceback: str = ""
    truncated: bool = False
    user_expressions: dict = field(default_factory=dict)
    seconds: float = 0.0
    reports: list = field(default_factory=list)  # [(key, plain value)] sent by report() (see verdict.py)

    @property
    def ok(self):
        return self.status == "ok"

    def text(self):
        return outputs_text(self.outputs)


def outputs_text(outputs):
    """The comparable text of outputs: streams and text/plain, in order."""
    return "".join(text for _, text in outputs)


def normalise_outputs(outputs):
    """A notebook's stored outputs as [(kind, text)], consecutive stream pieces of one name joined."""
    out = []
    for o in outputs or []:
        kind = o.get("output_type")
        if kind == "stream":
            text = o.get("text", "")
            _append(out, o.get("name", "stdout"), "".join(text) if isinstance(text, list) else text)
        elif kind in ("execute_result", "display_data"):
            text = o.get("data", {}).get("text/plain")
            if text is not None:
                text = "".join(text) if isinstance(text, list) else text
                _append(out, "text/plain", text if text.endswith("\n") else text + "\n")
    return out


def _append(out, kind, text):
    if out and out[-1][0] == kind and kind != "text/plain":
        out[-1] = (kind, out[-1][1] + text)
    else:
        out.append((kind, text))


_ANSI = None


def strip_ansi(text):
    global _ANSI
    if _ANSI is None:
        import re

        _ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
    return _ANSI.sub("", text)


class Kernel:
    """A sandboxed kernel. Use as a context manager: it is always killed on exit."""

    def __init__(self, sandbox, deadline=None, library=None):
        self.sandbox = sandbox
        self.library = library  # folder holding the nnlib package the kernel imports (None: this one)
        self.deadline = deadline  # time.monotonic() value after which no cell starts or continues
        self.proc = None
        self.client = None
        self._tmp = None
        self.uid = None
        self.dead = False
        self._context = None

    # ------------------------------------------------------------------ start and stop

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.kill()
            raise
        return self

    def __exit__(self, *exc):
        self.kill()

    def start(self):
        from jupyter_client.blocking import BlockingKernelClient

        self._tmp = tempfile.TemporaryDirectory(prefix="nnlib-grade-")
        base = Path(self._tmp.name)
        run_dir, work_dir = base / "run", base / "work"
        run_dir.mkdir()
        work_dir.mkdir()
        self.uid = self.sandbox.new_uid()
        self.sandbox.prepare(run_dir, work_dir, self.uid)
        inside_run, _ = self.sandbox.inside_paths(run_dir, work_dir)
        key = secrets.token_hex(16)
        if IPC:
            ports = dict(shell_port=1, iopub_port=2, stdin_port=3, control_port=4, hb_port=5)
            info = dict(transport="ipc", signature_scheme="hmac-sha256", key=key, kernel_name="python3", **ports)
            inside_ip, client_ip = f"{inside_run}/k", str(run_dir / "k")
        else:  # Windows: no Unix sockets for ZeroMQ; local TCP ports (no bubblewrap there either)
            ports = dict(zip(("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"), _free_ports(5)))
            info = dict(transport="tcp", signature_scheme="hmac-sha256", key=key, kernel_name="python3", **ports)
            inside_ip = client_ip = "127.0.0.1"
        conn = run_dir / "kernel.json"
        conn.write_text(json.dumps(dict(info, ip=inside_ip)), encoding="utf-8")
        if self.sandbox.drop_uid:
            os.chown(conn, self.uid, self.uid)
        os.chmod(conn, 0o600)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", f"{inside_run}/kernel.json",
                "--HistoryManager.enabled=False", "--IPKernelApp.capture_fd_output=False"]
        cmd = self.sandbox.command(argv, run_dir, work_dir, self.uid, self.library)
        cwd = "/" if self.sandbox.mode == "bwrap" else str(work_dir)  # bubblewrap changes into it itself
        with _PROCS_LOCK:  # (a sweep must not take the kernel being started for an orphan)
            self.proc = subprocess.Popen(cmd, cwd=cwd, env=self.sandbox.env(work_dir, run_dir, self.library),
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, start_new_session=True)
            _PROCS.add(self.proc.pid)
        import zmq

        self._context = zmq.Context()
        self._context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)  # for every socket of this client
        client = BlockingKernelClient(context=self._context)
        client.load_connection_info(dict(info, ip=client_ip))
        self.client = client
        start = time.monotonic()
        def up():  # the kernel binds its sockets when it is up
            return (run_dir / "k-1").exists() if IPC else _listening(info["hb_port"]) and _listening(info["shell_port"])

        while not up():
            if self.proc.poll() is not None:
                raise KernelDied(f"the kernel did not start: {self._stderr()}")
            if time.monotonic() - start > START_TIMEOUT:
                raise KernelDied(f"the kernel did not start within {START_TIMEOUT:g} s")
            time.sleep(0.02)
        client.start_channels()
        client.wait_for_ready(timeout=max(1.0, START_TIMEOUT - (time.monotonic() - start)))

    def _stderr(self):
        try:
            return strip_ansi(self.proc.stderr.read().decode("utf-8", "replace"))[-2000:]
        except (OSError, ValueError):
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None and not self.dead

    def kill_process(self):
        """Kill the kernel's processes only (safe from another thread: the thread that drives this
        kernel sees it die and cleans up its sockets itself with :meth:`kill`). zmq sockets and
        contexts are not thread-safe: destroying them from a second thread can block for ever."""
        proc = self.proc
        if proc is not None:
            for target in (lambda: os.killpg(proc.pid, signal.SIGKILL), proc.kill):
                try:
                    target()
                except (OSError, AttributeError):  # AttributeError: no os.killpg (Windows)
                    pass
        self.dead = True

    def kill(self):
        """Kill the kernel and everything it started; wait until it is gone (the driving thread only)."""
        if self.client is not None:
            try:
                self.client.stop_channels()
            except Exception:  # noqa: BLE001 - stopping must never fail
                pass
            self.client = None
        if getattr(self, "_context", None) is not None:
            try:
                self._context.destroy(linger=0)
            except Exception:  # noqa: BLE001
                pass
            self._context = None
        if self.proc is not None:
            self.kill_process()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            if self.proc.stderr:
                self.proc.stderr.close()
            with _PROCS_LOCK:
                _PROCS.discard(self.proc.pid)
            sweep_orphans()
        if self.uid is not None and self.sandbox.mode != "bwrap":
            self.sandbox.kill_leftovers(self.uid)
        self.dead = True
        if self._tmp is not None:
            try:
                self._tmp.cleanup()
            except OSError:
                pass
            self._tmp = None

    # ------------------------------------------------------------------ running cells

    def run(self, code, timeout, user_expressions=None, cap=OUTPUT_CAP):
        """Execute ``code``; returns a CellRun. Raises KernelDied if the kernel is or goes away."""
        if not self.alive():
            raise KernelDied("the kernel is not running")
        started = time.monotonic()
        result = CellRun()
        limit = started + timeout
        if self.deadline is not None and self.deadline < limit:
            limit = self.deadline
        msg_id = self.client.execute(code, silent=False, store_history=True,
                                     user_expressions=user_expressions or {}, allow_stdin=False)
        reply, idle, kept, interrupted_at = None, False, 0, None
        while reply is None or not idle:
            now = time.monotonic()
            if interrupted_at is None and now > limit:
                interrupted_at = now
                result.status = "timeout" if limit == started + timeout else "deadline"
                self._interrupt()
            if interrupted_at is not None and now > interrupted_at + INTERRUPT_GRACE:
                self.kill()
                result.seconds = time.monotonic() - started
                raise KernelDied(result.status)
            if self.proc.poll() is not None:
                self.dead = True
                raise KernelDied("the kernel stopped")
            got = False
            for channel in (self.client.iopub_channel, self.client.shell_channel):
                try:
                    msg = channel.get_msg(timeout=0)
                except Exception:  # queue.Empty
                    continue
                got = True
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if channel is self.client.shell_channel:
                    reply = content
                    continue
                if kind == "status" and content.get("execution_state") == "idle":
                    idle = True
                elif kind in ("stream", "execute_result", "display_data", "error"):
                    if kind == "stream":
                        piece = (content.get("name", "stdout"), content.get("text", ""))
                    elif kind == "error":
                        result.ename = str(content.get("ename", "Error"))[:200]
                        result.evalue = str(content.get("evalue", ""))[:2000]
                        result.traceback = strip_ansi("\n".join(content.get("traceback", [])))[-4000:]
                        continue
                    else:
                        data = content.get("data", {})
                        meta = content.get("metadata", {})
                        sent = meta.get(MIME) if isinstance(meta, dict) else None
                        if isinstance(sent, dict) and isinstance(sent.get("key"), str):
                            if len(result.reports) < MAX_REPORTS:
                                result.reports.append((sent["key"][:200], sent.get("value")))
                            else:
                                result.truncated = True
                        text = data.get("text/plain") if isinstance(data, dict) else None
                        if text is None:
                            continue
                        piece = ("text/plain", text if text.endswith("\n") else text + "\n")
                    if kept + len(piece[1]) > cap:
                        result.truncated = True
                        piece = (piece[0], piece[1][: max(0, cap - kept)])
                    kept += len(piece[1])
                    if piece[1]:
                        _append(result.outputs, *piece)
            if not got:
                try:
                    self.client.iopub_channel.msg_ready() or time.sleep(0.002)
                except Exception:  # noqa: BLE001
                    time.sleep(0.002)
        if interrupted_at is None:
            result.status = "ok" if reply.get("status") == "ok" else "error"
            if reply.get("status") == "error" and result.ename is None:
                result.ename, result.evalue = reply.get("ename", "Error"), reply.get("evalue", "")
        result.user_expressions = reply.get("user_expressions", {}) if interrupted_at is None else {}
        result.seconds = time.monotonic() - started
        return result

    def _interrupt(self):
        try:
            msg = self.client.session.msg("interrupt_request", content={})
            self.client.control_channel.send(msg)
        except Exception:  # noqa: BLE001 - the kill after the grace period still comes
            pass
