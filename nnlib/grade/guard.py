"""The guard: the code the grader runs in a kernel before any answer, and how checks are run.

:func:`setup_source` is the first cell of every grading kernel, run before any submitted code.
It imports numpy and nnlib's numeric core, replaces the forbidden helpers (the nnlib functions
an exercise asks the student to write) by stubs, takes a snapshot of everything a check relies
on, and installs a Python **audit hook** (PEP 578) that holds that snapshot. An audit hook cannot
be removed or listed from Python, and the hook refuses the ways in which code could reach into
it (``gc.get_objects``/``get_referrers``/``get_referents``, ``sys._current_frames``,
``sys.settrace``/``setprofile``, ``ctypes``, ``/proc/*/mem``, reading nnlib's source files).

Before every check (and every answer) the grader sends an empty cell whose ``user_expressions``
call the guard; the guard raises an audit event that the hook answers by restoring, from its
snapshot and with plain dict operations (no submitted code runs meanwhile):

- IPython's input transformers (cleanup, line, token, post), AST transformers, event callbacks,
  the kernel's message handlers;
- ``builtins`` (and deletes user-namespace names that shadow a builtin), ``sys.stdout``/``stderr``,
  ``displayhook``, ``sys.modules`` entries, ``sys.meta_path``/``path_hooks``, trace and profile hooks;
- every attribute of the modules numpy.*, nnlib.*, ipykernel.*, IPython.core.*, jupyter_client.*,
  zmq.*, traitlets.* and of their Python classes, and the instance attributes of the output
  streams, the shell, the kernel and its session (the ``ipykernel.iostream`` internals);
- module names of the user namespace bound by the reference's setup cells (``np``, ``nn``).

A check is not sent through IPython's cell machinery at all (so no transformer or event sees
it): the **hook itself** restores the snapshot, compiles the check with the original ``compile``,
runs it in the user namespace with its stdout and stderr captured in buffers of its own, and
answers a list of strings (the output, the exception, the number of the answer's threads) signed
with an HMAC of the grader's challenge, the check's source and every field, with a key only the
hook holds. The grader uses that answer only: code an answer wrapped around the call of the guard
(the shell's methods, the guard's closure cell, the formatter) can change nothing it would accept.

Code of the answer's that would run in the middle of a check without the check calling it is put
back or held off by the restore: signal handlers and interval timers, garbage-collector callbacks
and thresholds (the collector runs before and is paused during a check, and every object the
restore or the check drops stays alive until the answer is signed, so no ``__del__`` runs in it),
threads (counted by threading and by the OS: one started with ``_thread`` counts too; the switch
interval is raised during a check). The hook's own functions bind every builtin they use as a
local, and read an answer's objects only through C-level getters, so no name or ``__getattr__``
of the answer's runs inside it. The kernel is not dumpable (``prctl``): a child process of the same
uid cannot open its memory.

A forbidden helper's stub asks the hook, which answers only the stub's own code, and calls the
original only when the nearest caller outside nnlib's own code is the check being run (so a hidden
check may call the library's reference, and nnlib code it calls may too, but an answer's function
may not). A name of the user namespace that calls a stub with no frame of the answer's in between
(an alias, a copy with the stub's code, a partial, a bound method, an object whose ``__call__`` is
one) is replaced by a refusal.

What remains possible in one process is code that runs *during* a check (the student's function,
called by it) rewriting the interpreter at that moment, and a callback scheduled on one of the
kernel's own threads' event loops (the iopub thread), which runs whenever the check releases the
GIL; against these the hidden checks print values that the grader compares outside the kernel.
"""

import json

SETUP_TEMPLATE = r'''
def _nnlib_grading_setup(params):
    # Every builtin the hook uses is bound here, as a local of this function: the functions below
    # have the user namespace as their globals, so a global lookup could find an answer's name.
    from builtins import (BaseException, Exception, ImportError, KeyboardInterrupt, PermissionError,
                          RuntimeError, any, callable, classmethod, dict, frozenset, getattr, hasattr, id,
                          isinstance, issubclass, len, list, map, max, open, property, set, staticmethod, str,
                          sum, tuple, type, vars)
    import builtins, functools, gc, hashlib, hmac, importlib, io, pkgutil, signal, sys, threading, types
    import numpy
    import nnlib

    import os
    # Not dumpable: no other process of the sandbox's uid (a child of an answer) may open this
    # kernel's /proc/<pid>/mem or ptrace it, which would read the key below or rewrite anything.
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass
    with open(params["secrets_file"], encoding="utf-8") as f:
        private = __import__("json").load(f)
    os.unlink(params["secrets_file"])
    EVENT = private["event"]
    SECRET = bytes.fromhex(private["secret"])
    del private
    skip = set(params["skip_modules"])
    for info in pkgutil.walk_packages(nnlib.__path__, "nnlib."):
        if info.name.split(".")[1] in skip:
            continue
        try:
            importlib.import_module(info.name)
        except Exception:
            pass
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    nnlib_dir = nnlib.__path__[0]

    # ---- forbidden helpers: stubs that ask the hook
    originals = {}
    library_codes = []

    def codes_of(code, out):
        out.append(code)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                codes_of(const, out)

    def library_functions():
        for name, mod in list(sys.modules.items()):
            if not (name == "nnlib" or name.startswith("nnlib.")) or mod is None:
                continue
            for value in list(vars(mod).values()):
                yield value
                if isinstance(value, type):
                    for attr in list(vars(value).values()):
                        yield attr
                        for part in ("fget", "fset", "__func__"):
                            if hasattr(attr, part):
                                yield getattr(attr, part)

    for fn in library_functions():
        code = getattr(fn, "__code__", None)
        if isinstance(code, types.CodeType):
            codes_of(code, library_codes)
    library_ids = set(map(id, library_codes))  # the hook's and the stubs' own code join it below

    def make_stub(qualname, exercise, event, audit):
        # (the arguments are this stub's own closure cells: an answer that rewrites one of them
        # changes this stub only, never the hook)
        message = (f"{qualname} is not available while answers are graded: exercise {exercise} "
                   "asks you to write it yourself")

        def stub(*args, **kwargs):
            box = ["call", qualname, args, kwargs, message, None]
            audit(event, box)
            return box[5]

        stub.__name__ = qualname.rsplit(".", 1)[-1]
        stub.__qualname__ = stub.__name__
        stub.__doc__ = message
        return stub

    stub_messages = {}  # id(stub) -> (stub, its message), for the forbidden helpers' stubs only
    stub_code = make_stub("x", "x", "", None).__code__  # the code every stub (and any copy of one) runs
    # C-level attribute getters: reading through them never runs an answer's __getattr__ or property
    function_code = vars(types.FunctionType)["__code__"].__get__
    method_func = vars(types.MethodType)["__func__"].__get__
    partial_func = vars(functools.partial)["func"].__get__
    wrapped_func = vars(staticmethod)["__func__"].__get__, vars(classmethod)["__func__"].__get__
    type_mro = vars(type)["__mro__"].__get__
    type_dict = vars(type)["__dict__"].__get__

    def stub_message(value, depth=0):
        """The message if calling ``value`` runs a forbidden helper's stub with no frame of the
        answer's in between: the stub, a copy of it (same code), a partial or bound method of one,
        a staticmethod or classmethod of one, or an object whose class's ``__call__`` is one of
        these (an answer's alias of a forbidden helper). Runs no code of ``value``'s."""
        if depth > 5:
            return None
        kind = type(value)
        if kind is types.FunctionType:
            entry = stub_messages.get(id(value))
            if entry is not None and entry[0] is value:
                return entry[1]
            if function_code(value) is stub_code:
                return "a copy of a forbidden helper is not available while answers are graded"
            return None
        if issubclass(kind, types.MethodType):
            return stub_message(method_func(value), depth + 1)
        if issubclass(kind, functools.partial):
            return stub_message(partial_func(value), depth + 1)
        if issubclass(kind, staticmethod):
            return stub_message(wrapped_func[0](value), depth + 1)
        if issubclass(kind, classmethod):
            return stub_message(wrapped_func[1](value), depth + 1)
        for klass in type_mro(kind):
            attrs = type_dict(klass)
            if "__call__" in attrs:
                inner = attrs["__call__"]
                wrapper = issubclass(type(inner), (types.FunctionType, types.MethodType, functools.partial,
                                                   staticmethod, classmethod))
                return stub_message(inner, depth + 1) if wrapper else None
        return None

    def refusal(message):
        def refused(*args, **kwargs):
            raise RuntimeError(message)
        return refused

    forbidden_names = []
    for qualname, exercise in params["forbidden"].items():
        parts = qualname.split(".")
        for k in range(len(parts) - 1, 0, -1):
            try:
                owner = importlib.import_module(".".join(parts[:k]))
            except ImportError:
                continue
            for attr in parts[k:-1]:
                owner = getattr(owner, attr)
            break
        original = vars(owner)[parts[-1]]
        stub = make_stub(qualname, exercise, EVENT, sys.audit)
        # the stub itself is kept in the value: an id is only unique while its object lives
        stub_messages[id(stub)] = (stub, stub.__doc__)
        if isinstance(original, (staticmethod, classmethod)):
            stub = type(original)(stub)
        originals[qualname] = original
        forbidden_names.append(qualname)
        # replace it wherever nnlib holds the same object (re-exports, from-imports)
        for name, mod in list(sys.modules.items()):
            if mod is None or not (name == "nnlib" or name.startswith("nnlib.")):
                continue
            for key, value in list(vars(mod).items()):
                if value is original:
                    vars(mod)[key] = stub
        if isinstance(owner, type):
            type.__setattr__(owner, parts[-1], stub)
        else:
            vars(owner)[parts[-1]] = stub

    # ---- the snapshot
    prefixes = ("numpy", "nnlib", "ipykernel", "IPython.core", "jupyter_client", "zmq", "traitlets",
                "threading", "io", "builtins", "sys", "types", "functools", "hmac", "hashlib")
    modules = {name: mod for name, mod in sys.modules.items()
               if mod is not None and isinstance(mod, types.ModuleType)
               and any(name == p or name.startswith(p + ".") for p in prefixes)}
    modules["builtins"] = builtins
    module_snaps = [(vars(mod), dict(vars(mod))) for name, mod in modules.items() if name != "sys"]
    sys_keys = ("stdout", "stderr", "stdin", "displayhook", "excepthook", "modules", "meta_path",
                "path_hooks", "path_importer_cache", "audit", "_getframe", "settrace", "setprofile")
    sys_snap = {k: vars(sys)[k] for k in sys_keys if k in vars(sys)}
    sys_modules_snap = dict(modules)
    HEAP = 1 << 9
    class_snaps = []
    seen = set()
    for name, mod in modules.items():
        for value in list(vars(mod).values()):
            if (isinstance(value, type) and id(value) not in seen and value.__flags__ & HEAP
                    and getattr(value, "__module__", "").split(".")[0] in {p.split(".")[0] for p in prefixes}):
                seen.add(id(value))
                class_snaps.append((value, dict(vars(value))))
    for obj in (sys.stdout, sys.stderr):
        if type(obj).__flags__ & HEAP and id(type(obj)) not in seen:
            seen.add(id(type(obj)))
            class_snaps.append((type(obj), dict(vars(type(obj)))))

    def is_ref(value):
        return not isinstance(value, (int, float, str, bytes, bool, type(None), list, dict, set, tuple))

    instances = [sys.stdout, sys.stderr, shell, kernel, getattr(kernel, "session", None),
                 getattr(sys.stdout, "pub_thread", None), getattr(shell, "displayhook", None),
                 getattr(shell, "display_pub", None), getattr(shell, "events", None),
                 getattr(shell, "input_transformer_manager", None), getattr(shell, "compile", None),
                 getattr(kernel, "iopub_thread", None)]
    instance_snaps = []
    for obj in instances:
        if obj is not None and hasattr(obj, "__dict__"):
            d = vars(obj)
            instance_snaps.append((obj, d, {k: v for k, v in d.items() if is_ref(v)}))
        trait_values = getattr(obj, "_trait_values", None)
        if isinstance(trait_values, dict):
            instance_snaps.append((obj, trait_values, {k: v for k, v in trait_values.items() if is_ref(v)}))
    itm = shell.input_transformer_manager
    lists = [(lst, list(lst)) for lst in (
        shell.input_transformers_post, shell.ast_transformers, itm.cleanup_transforms, itm.line_transforms,
        itm.token_transformers, sys.meta_path, sys.path_hooks, sys.path) if isinstance(lst, list)]
    events = shell.events.callbacks
    events_snap = {k: list(v) for k, v in events.items()}
    dicts = [(d, dict(d)) for d in (getattr(kernel, "shell_handlers", None), getattr(kernel, "control_handlers", None))
             if isinstance(d, dict)]
    user_ns = shell.user_ns
    baseline = {"names": set(user_ns), "modules": {}, "stubs": {}}
    builtin_names = set(vars(builtins))
    real_compile, real_exec, real_settrace, real_setprofile = compile, exec, sys.settrace, sys.setprofile
    # pyzmq starts a garbage-collector thread (and its own ZeroMQ context's threads) the first time
    # the kernel sends a message of 64 KiB or more without copying it: an answer that prints a long
    # log would start them. Start them now, so that they belong to the baseline, not to the answer.
    try:
        from zmq.utils.garbage import gc as zmq_gc
        if not zmq_gc.is_alive():
            zmq_gc.start()
    except Exception:
        pass
    threads = threading._active
    known_threads = set(threads)
    listdir = os.listdir
    try:
        os_threads_at_start = len(listdir("/proc/self/task"))
    except OSError:  # no /proc (macOS, Windows): threading's list alone counts the answer's threads
        os_threads_at_start = None
    state = {"trusted": frozenset(), "internal": 0, "armed": False}
    sha256 = hashlib.sha256
    StringIO = io.StringIO
    # What runs the answer's code in the kernel's main thread in the middle of a check, outside
    # any call the check makes: signal handlers (an interval timer fires at every bytecode) and
    # garbage-collector callbacks. Both are put back; the collector is run before and paused during
    # a check, so that no finaliser (__del__, weakref.finalize) of the answer's garbage runs in it.
    signal_snap = {}
    for signum in signal.valid_signals():
        try:
            handler = signal.getsignal(signum)
        except (OSError, ValueError):
            continue
        if handler is not None:
            signal_snap[signum] = handler
    get_signal, set_signal = signal.getsignal, signal.signal
    set_timer = getattr(signal, "setitimer", None)  # no interval timers on Windows
    timers = tuple(getattr(signal, n) for n in ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF") if hasattr(signal, n))
    gc_callbacks, gc_callbacks_snap, gc_threshold = gc.callbacks, list(gc.callbacks), gc.get_threshold()
    gc_collect, gc_enable, gc_disable, gc_set_threshold = gc.collect, gc.enable, gc.disable, gc.set_threshold
    switch_interval, set_switch_interval = sys.getswitchinterval(), sys.setswitchinterval

    def foreign_threads():
        """Threads an answer started: Python's list of them, and the kernel's threads as the OS
        counts them (a thread started with _thread, or removed from threading's list, is in that)."""
        counted = sum(1 for t in list(threads) if t not in known_threads)
        if os_threads_at_start is None:
            return counted
        try:
            return max(counted, len(listdir("/proc/self/task")) - os_threads_at_start)
        except OSError:
            return counted

    def restore(keep):
        """Put back the snapshot. Every value it replaces goes into ``keep`` (alive until the check is
        signed: dropping an answer's object here would run its __del__ in the middle of the restore).
        Leaves the garbage collector paused: the caller enables it again when the check is done."""
        keep.append(list(gc_callbacks))
        gc_callbacks[:] = gc_callbacks_snap
        gc_set_threshold(*gc_threshold)
        # The answer's garbage is collected first (its finalisers may change anything: the restore
        # below puts it back); then no collection runs until the check is signed.
        gc_collect()
        gc_disable()
        for signum, handler in signal_snap.items():
            if get_signal(signum) is not handler:
                keep.append(get_signal(signum))
                try:
                    set_signal(signum, handler)
                except (OSError, ValueError):
                    pass
        for timer in timers if set_timer is not None else ():
            set_timer(timer, 0)
        set_switch_interval(switch_interval)
        for d, snap in module_snaps:
            for k, v in snap.items():
                if d.get(k, d) is not v:
                    keep.append(d.get(k))
                    d[k] = v
        bd = vars(builtins)
        for k in [k for k in bd if k not in builtin_names]:
            keep.append(bd.pop(k))
        sd = vars(sys)
        for k, v in sys_snap.items():
            if sd.get(k, sd) is not v:
                keep.append(sd.get(k))
                sd[k] = v
        sm = sys.modules
        for k, v in sys_modules_snap.items():
            if sm.get(k) is not v:
                keep.append(sm.get(k))
                sm[k] = v
        for cls, snap in class_snaps:
            current = cls.__dict__
            for k, v in snap.items():
                if current.get(k, snap) is not v:
                    keep.append(current.get(k))
                    type.__setattr__(cls, k, v)
            for k in [k for k in current if k not in snap]:
                if callable(current[k]) or issubclass(type(current[k]), (property, classmethod, staticmethod)):
                    keep.append(current[k])
                    type.__delattr__(cls, k)
        for obj, d, snap in instance_snaps:
            for k, v in snap.items():
                if d.get(k, d) is not v:
                    keep.append(d.get(k))
                    d[k] = v
            for k in [k for k in d if k not in snap and callable(d[k]) and hasattr(type(obj), k)]:
                keep.append(d.pop(k))
        for lst, snap in lists:
            keep.append(list(lst))
            lst[:] = snap
        for k in [k for k in events if k not in events_snap]:
            keep.append(events.pop(k))
        for k, v in events_snap.items():
            if type(events.get(k)) is list:
                keep.append(list(events[k]))
                events[k][:] = v
            else:
                keep.append(events.get(k))
                events[k] = list(v)
        for d, snap in dicts:
            keep.append(list(d.values()))
            d.clear()
            d.update(snap)
        state["internal"] += 1
        try:
            real_settrace(None)
            real_setprofile(None)
        finally:
            state["internal"] -= 1
        vars(threading)["_trace_hook"] = None
        vars(threading)["_profile_hook"] = None
        for k in [k for k in user_ns if k in builtin_names and k not in baseline["names"]]:
            keep.append(user_ns.pop(k))
        # An answer that binds a forbidden helper to a name of its own (``numerical_gradient =
        # nn.numerical_gradient``) would hand the check the library's function: the check is then the
        # nearest caller and the stub lets it through. Such names are replaced by a refusal; names the
        # reference's setup bound to a stub stay.
        for k, v in list(user_ns.items()):
            message = stub_message(v)
            if message and baseline["stubs"].get(k) is not v:
                keep.append(v)
                user_ns[k] = refusal(message)
        keep.append(user_ns.get("__builtins__"))
        user_ns["__builtins__"] = builtins
        for k, v in baseline["modules"].items():
            keep.append(user_ns.get(k))
            user_ns[k] = v
        keep.append(user_ns.get(params["guard"]))
        user_ns[params["guard"]] = guard
        return foreign_threads()

    BLOCKED = {"gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
               "sys.settrace", "sys.setprofile", "sys.addaudithook", "ctypes.dlopen", "ctypes.dlsym",
               "ctypes.PyObj_FromPtr", "ctypes.addressof", "ctypes.cdata", "ctypes.cdata/buffer",
               "ctypes.create_string_buffer", "ctypes.string_at", "ctypes.wstring_at", "ctypes.call_function",
               "ctypes.get_errno", "cpython.PyInterpreterState_Clear", "sys.unraisablehook"}

    def sign(challenge, source, fields):
        """The HMAC of what the grader asked for and everything the check produced (see signed_text)."""
        parts = (challenge, source) + tuple(fields)
        if any(type(p) is not str for p in parts):
            parts = ("not a string",)
        text = "".join(f"{len(p)}:{p};" for p in parts)
        return hmac.new(SECRET, text.encode("utf-8", "surrogatepass"), sha256).hexdigest()

    def run_check(challenge, source, name):
        """Restore the snapshot, run the check with its output captured here, sign the result.
        Returns the fields of the answer (see nnlib.grade.guard.check_fields)."""
        keep = []
        try:
            return checked(keep, challenge, source, name)
        finally:
            gc_enable()
            del keep[:]  # (only now may the answer's replaced objects die)

    def checked(keep, challenge, source, name):
        foreign = restore(keep)
        keep.append(list(user_ns.values()))  # names the check rebinds: no __del__ of an answer's object in it
        state["internal"] += 1
        try:
            code = real_compile(source, name, "exec", dont_inherit=True)
        finally:
            state["internal"] -= 1
        tree = []
        codes_of(code, tree)
        outer = state["trusted"], state.get("trusted_refs")
        state["trusted"], state["trusted_refs"] = frozenset(map(id, tree)), tree
        out, err = StringIO(), StringIO()
        sd = vars(sys)
        streams = sd["stdout"], sd["stderr"]
        error = None
        sd["stdout"], sd["stderr"] = out, err
        # no switch to another thread while the check runs: an event loop of the kernel's own
        # threads could run an answer's callback (the collector is paused since the restore)
        set_switch_interval(1000.0)
        try:
            real_exec(code, user_ns)
        except KeyboardInterrupt:
            raise  # the grader's interrupt at the timeout
        except BaseException as exc:  # noqa: B036 - reported, signed, as the check's error
            error = exc
        finally:
            set_switch_interval(switch_interval)
            sd["stdout"], sd["stderr"] = streams
            state["trusted"], state["trusted_refs"] = outer
        cap = params["cap"]
        text_out, text_err = out.getvalue(), err.getvalue()
        truncated = len(text_out) + len(text_err) > cap
        text_out, text_err = text_out[:cap], text_err[:cap]
        foreign = max(foreign, foreign_threads())
        ename, evalue = "", ""
        if error is not None:
            ename = vars(type)["__name__"].__get__(type(error))
            try:
                evalue = str(error)[:2000]
            except BaseException:  # noqa: B036 - an answer's exception class
                evalue = "(its message could not be read)"
            evalue = evalue if type(evalue) is str else "(not a string)"
        fields = (text_out, text_err, ename, evalue, str(foreign), str(truncated))
        return list(fields) + [sign(challenge, source, fields)]

    def hook(event, args):
        if event == EVENT:
            box = args[0]
            op = box[0]
            if op == "call":
                _, qualname, a, kw, message, _ = box
                state["internal"] += 1
                try:
                    # only a stub may ask (not an answer that learnt the event's name), and only for
                    # the check: the nearest caller outside nnlib's code must be the check's code
                    f = sys._getframe(1)
                    allowed = f.f_code is stub_code
                    f = f.f_back  # hook <- stub <- caller
                    while f is not None and id(f.f_code) in library_ids:
                        f = f.f_back
                    allowed = allowed and f is not None and id(f.f_code) in state["trusted"]
                finally:
                    state["internal"] -= 1
                    f = None
                if not allowed or qualname not in originals:
                    raise RuntimeError(message)
                fn = originals[qualname]
                if issubclass(type(fn), (staticmethod, classmethod)):
                    fn = fn.__func__
                box[5] = fn(*a, **kw)
                return
            if op == "baseline":
                if state["armed"]:
                    return
                baseline["modules"] = {k: v for k, v in user_ns.items()
                                       if isinstance(v, types.ModuleType) and not k.startswith("_")}
                baseline["names"] = set(user_ns)
                baseline["stubs"] = {k: v for k, v in user_ns.items() if stub_message(v)}
                state["armed"] = True
                return
            if op == "restore":
                state["trusted"] = frozenset()
                keep = []
                try:
                    foreign = restore(keep)
                finally:
                    gc_enable()
                box[4] = [str(foreign), sign(box[1], "", (str(foreign),))]
                return
            if op == "check":
                state["trusted"] = frozenset()
                box[4] = run_check(box[1], box[2], box[3])
                return
            return
        if not state["armed"] or state["internal"]:
            return
        if event in BLOCKED or event.startswith("ctypes."):
            raise RuntimeError(f"the grader does not allow {event} while answers are graded")
        if event == "open" and args and type(args[0]) is str:
            path = args[0]
            if path.startswith("/proc/") and path.endswith("/mem"):
                raise RuntimeError("the grader does not allow opening process memory")
            if path.startswith(("/proc/self/environ", "/proc/self/mem")):
                raise PermissionError("the grader does not allow this file while answers are graded")
            if path.startswith(nnlib_dir):
                raise PermissionError("the grader does not allow reading nnlib's source while answers are graded")

    def make_guard(audit):
        # (its one closure cell is its own: an answer that rewrites it changes nothing the hook uses)
        def guard(event, box):
            """Restore the kernel, or run a check: the hook does both, see nnlib.grade.guard."""
            audit(event, box)
            return box[4]
        return guard

    guard = make_guard(sys.audit)
    library_codes += [hook.__code__, stub_code]
    library_ids.update((id(hook.__code__), id(stub_code)))
    sys.addaudithook(hook)
    user_ns[params["guard"]] = guard
    return forbidden_names


_nnlib_grading_forbidden = _nnlib_grading_setup(__PARAMS__)
del _nnlib_grading_setup
print("nnlib.grade setup done; forbidden helpers:", ", ".join(_nnlib_grading_forbidden) or "none")
del _nnlib_grading_forbidden
'''

#: nnlib modules the kernel does not import (they need matplotlib, ipywidgets, nbformat, or grade)
SKIP_MODULES = ("plots", "explorers", "grading", "grade", "grade_plugin", "exercises", "bench", "apidoc")


def setup_source(secrets_file, guard_name, forbidden, cap=64 * 1024):
    """The first cell of a grading kernel. ``forbidden``: {qualified name: exercise}; ``cap``: the
    characters of a check's output kept. The event name and the key are in ``secrets_file`` (read
    and deleted by the cell): they are never in a cell's source, which IPython keeps."""
    params = {"secrets_file": secrets_file, "guard": guard_name, "forbidden": dict(forbidden),
              "skip_modules": list(SKIP_MODULES), "cap": int(cap)}
    return SETUP_TEMPLATE.replace("__PARAMS__", json.dumps(params))


def guard_expression(guard_name, event, op, challenge, source="", name="<check>"):
    """The ``user_expressions`` entry that restores the kernel (op "restore") or runs the check
    ``source`` (op "check"). It evaluates to a list of strings: for "restore" [foreign threads,
    signature]; for "check" the fields of :data:`CHECK_FIELDS`, then the signature."""
    return f"{guard_name}({event!r}, [{op!r}, {challenge!r}, {source!r}, {name!r}, None])"


def baseline_expression(guard_name, event):
    """Tell the hook that the reference's setup is done: the modules bound so far are the baseline."""
    return f"{guard_name}({event!r}, ['baseline', '', '', '', None])"


#: what the hook answers for a check, in order (all strings), before the signature
CHECK_FIELDS = ("stdout", "stderr", "ename", "evalue", "foreign", "truncated")


def signed_text(challenge, source, fields):
    """The text the hook signs (the same code is in SETUP_TEMPLATE's ``sign``): every part with its
    length, so that no two different answers give the same text."""
    return "".join(f"{len(p)}:{p};" for p in (challenge, source, *fields))


def expected_digest(secret_hex, challenge, source, fields):
    """The signature of ``fields`` (strings) for the check ``source`` run for ``challenge``."""
    import hashlib
    import hmac

    text = signed_text(challenge, source, fields)
    return hmac.new(bytes.fromhex(secret_hex), text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def parse_answer(text, count):
    """The list of ``count`` strings the guard returned, from its text/plain repr; None if it is not one."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if type(value) is not list or len(value) != count or any(type(v) is not str for v in value):
        return None
    return value
