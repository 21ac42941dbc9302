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
it): the guard compiles it with the original ``compile``, tells the hook which code objects are
the check's, and executes it in the user namespace. Empty code skips IPython's transformers and
events; ``user_expressions`` are plain ``eval``. The hook signs its answer with an HMAC of the
grader's challenge and the check's source, with a key only the hook holds: a replaced guard,
a forged source or a missing restore shows up in the grader as a failed check.

A forbidden helper's stub asks the hook, which calls the original only when the nearest caller
outside nnlib's own code is the check being run (so a hidden check may call the library's
reference, and nnlib code it calls may too, but an answer's function may not).

Threads an answer leaves running are counted and reported: the grader fails the checks that
run while one is alive. What remains possible in one process is code that runs *during* a check
(the student's function, called by it) rewriting the interpreter at that moment; against that the
hidden checks print values that the grader compares outside the kernel.
"""

import json

SETUP_TEMPLATE = r'''
def _nnlib_grading_setup(params):
    import builtins, gc, hashlib, hmac, importlib, pkgutil, sys, threading, types
    import numpy
    import nnlib

    import os
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

    def make_stub(qualname, exercise):
        message = (f"{qualname} is not available while answers are graded: exercise {exercise} "
                   "asks you to write it yourself")

        def stub(*args, **kwargs):
            box = ["call", qualname, args, kwargs, message, None]
            sys.audit(EVENT, box)
            return box[5]

        stub.__name__ = qualname.rsplit(".", 1)[-1]
        stub.__qualname__ = stub.__name__
        stub.__doc__ = message
        return stub

    stub_messages = {}  # id(stub) -> (stub, its message), for the forbidden helpers' stubs only

    def stub_message(value):
        """The message if ``value`` is a stub or a partial of one (an answer's alias of a forbidden helper)."""
        try:
            inner = getattr(value, "func", value)  # functools.partial
            for candidate in (value, inner):
                entry = stub_messages.get(id(candidate))
                if entry is not None and entry[0] is candidate:
                    return entry[1]
            return None
        except Exception:
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
        stub = make_stub(qualname, exercise)
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
    threads = threading._active
    known_threads = set(threads)
    state = {"trusted": frozenset(), "internal": 0, "armed": False, "check": None}
    sha256 = hashlib.sha256

    def restore():
        for d, snap in module_snaps:
            for k, v in snap.items():
                if d.get(k, d) is not v:
                    d[k] = v
        bd = vars(builtins)
        for k in [k for k in bd if k not in builtin_names]:
            del bd[k]
        sd = vars(sys)
        for k, v in sys_snap.items():
            if sd.get(k, sd) is not v:
                sd[k] = v
        sm = sys.modules
        for k, v in sys_modules_snap.items():
            if sm.get(k) is not v:
                sm[k] = v
        for cls, snap in class_snaps:
            current = cls.__dict__
            for k, v in snap.items():
                if current.get(k, snap) is not v:
                    type.__setattr__(cls, k, v)
            for k in [k for k in current if k not in snap]:
                if callable(current[k]) or isinstance(current[k], (property, classmethod, staticmethod)):
                    type.__delattr__(cls, k)
        for obj, d, snap in instance_snaps:
            for k, v in snap.items():
                if d.get(k, d) is not v:
                    d[k] = v
            for k in [k for k in d if k not in snap and callable(d[k]) and hasattr(type(obj), k)]:
                del d[k]
        for lst, snap in lists:
            lst[:] = snap
        for k in [k for k in events if k not in events_snap]:
            del events[k]
        for k, v in events_snap.items():
            if events.get(k) is not None and isinstance(events[k], list):
                events[k][:] = v
            else:
                events[k] = list(v)
        for d, snap in dicts:
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
            del user_ns[k]
        # An answer that binds a forbidden helper to a name of its own (``numerical_gradient =
        # nn.numerical_gradient``) would hand the check the library's function: the check is then the
        # nearest caller and the stub lets it through. Such names are replaced by a refusal; names the
        # reference's setup bound to a stub stay.
        for k, v in list(user_ns.items()):
            message = stub_message(v)
            if message and baseline["stubs"].get(k) is not v:
                user_ns[k] = refusal(message)
        user_ns["__builtins__"] = builtins
        for k, v in baseline["modules"].items():
            user_ns[k] = v
        user_ns[params["guard"]] = guard
        return sum(1 for t in list(threads) if t not in known_threads)

    BLOCKED = {"gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
               "sys.settrace", "sys.setprofile", "sys.addaudithook", "ctypes.dlopen", "ctypes.dlsym",
               "ctypes.PyObj_FromPtr", "ctypes.addressof", "ctypes.cdata", "ctypes.cdata/buffer",
               "ctypes.create_string_buffer", "ctypes.string_at", "ctypes.wstring_at", "ctypes.call_function",
               "ctypes.get_errno", "cpython.PyInterpreterState_Clear", "sys.unraisablehook"}

    def sign(challenge, source, ran, foreign):
        text = f"{challenge}\0{source}\0{ran}"
        return hmac.new(SECRET, text.encode(), sha256).hexdigest() + f":{foreign}"

    def hook(event, args):
        if event == EVENT:
            box = args[0]
            op = box[0]
            if op == "call":
                _, qualname, a, kw, message, _ = box
                state["internal"] += 1
                try:
                    f = sys._getframe(2)  # hook <- stub <- caller
                    while f is not None and id(f.f_code) in library_ids:
                        f = f.f_back
                    allowed = f is not None and id(f.f_code) in state["trusted"]
                finally:
                    state["internal"] -= 1
                    f = None
                if not allowed:
                    raise RuntimeError(message)
                fn = originals[qualname]
                if isinstance(fn, (staticmethod, classmethod)):
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
            if op in ("restore", "check"):
                state["trusted"] = frozenset()
                state["check"] = None
                foreign = restore()
                box[4] = (foreign, None, None)
                if op == "check":
                    state["internal"] += 1
                    try:
                        code = real_compile(box[2], box[3], "exec", dont_inherit=True)
                    finally:
                        state["internal"] -= 1
                    tree = []
                    codes_of(code, tree)
                    state["trusted"] = frozenset(map(id, tree))
                    state["trusted_refs"] = tree
                    state["check"] = [code, box[1], box[2], False]
                    box[4] = (foreign, code, user_ns)
                else:
                    box[4] = sign(box[1], box[2], True, foreign)
                return
            if op == "end":
                check = state["check"]
                state["trusted"], state["check"] = frozenset(), None
                foreign = sum(1 for t in list(threads) if t not in known_threads)
                box[4] = sign(check[1], check[2], check[3], foreign) if check else "no check"
                return
            return
        if event == "exec" and state["check"] is not None and args and args[0] is state["check"][0]:
            state["check"][3] = True  # the check's own code object ran
        if not state["armed"] or state["internal"]:
            return
        if event in BLOCKED or event.startswith("ctypes."):
            raise RuntimeError(f"the grader does not allow {event} while answers are graded")
        if event == "open" and args and isinstance(args[0], str):
            path = args[0]
            if path.startswith("/proc/") and path.endswith("/mem"):
                raise RuntimeError("the grader does not allow opening process memory")
            if path.startswith(("/proc/self/environ", "/proc/self/mem")):
                raise PermissionError("the grader does not allow this file while answers are graded")
            if path.startswith(nnlib_dir):
                raise PermissionError("the grader does not allow reading nnlib's source while answers are graded")

    def guard(event, box):
        """Restore the kernel and run a check: see nnlib.grading.guard."""
        sys.audit(event, box)
        if box[0] != "check":
            return box[4]
        _, code, ns = box[4]
        try:
            exec(code, ns)
        finally:
            end = ["end", "", "", "", None]
            sys.audit(event, end)
            box[4] = end[4]
        return box[4]

    library_codes += [hook.__code__, make_stub("x", "x").__code__]
    library_ids.update((id(hook.__code__), id(library_codes[-1])))
    sys.addaudithook(hook)
    user_ns[params["guard"]] = guard
    return forbidden_names


_nnlib_grading_forbidden = _nnlib_grading_setup(__PARAMS__)
del _nnlib_grading_setup
print("nnlib.grading setup done; forbidden helpers:", ", ".join(_nnlib_grading_forbidden) or "none")
del _nnlib_grading_forbidden
'''

#: nnlib modules the kernel does not import (they need matplotlib, ipywidgets, nbformat, or grade)
SKIP_MODULES = ("plots", "explorers", "grading", "grade", "grade_plugin", "exercises", "bench", "apidoc")


def setup_source(secrets_file, guard_name, forbidden):
    """The first cell of a grading kernel. ``forbidden``: {qualified name: exercise}. The event name
    and the key are in ``secrets_file`` (read and deleted by the cell): they are never in a cell's
    source, which IPython keeps (``In``, ``linecache``)."""
    params = {"secrets_file": secrets_file, "guard": guard_name, "forbidden": dict(forbidden),
              "skip_modules": list(SKIP_MODULES)}
    return SETUP_TEMPLATE.replace("__PARAMS__", json.dumps(params))


def guard_expression(guard_name, event, op, challenge, source="", name="<check>"):
    """The ``user_expressions`` entry that restores the kernel (op "restore") or also runs the
    check ``source`` (op "check"); it evaluates to "<hmac>:<number of foreign threads>"."""
    return f"{guard_name}({event!r}, [{op!r}, {challenge!r}, {source!r}, {name!r}, None])"


def baseline_expression(guard_name, event):
    """Tell the hook that the reference's setup is done: the modules bound so far are the baseline."""
    return f"{guard_name}({event!r}, ['baseline', '', '', '', None])"


def expected_digest(secret_hex, challenge, source, ran=True):
    """What the hook answers when the check ``source`` ran as sent (without the thread count)."""
    import hashlib
    import hmac

    text = f"{challenge}\0{source}\0{ran}"
    return hmac.new(bytes.fromhex(secret_hex), text.encode(), hashlib.sha256).hexdigest()
