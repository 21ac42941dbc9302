"""Run nbval on the book and the solutions under several numerical environments.

A stored output is only worth something if every reader's machine prints it. Readers' CPUs round
differently: OpenBLAS picks a different matrix-product kernel per CPU (SSE3, AVX, AVX2, AVX-512),
numpy picks different SIMD loops for its ufuncs and reductions, and the number of BLAS threads can
change the order of a sum. This script emulates those differences on one machine and runs

    python -m pytest book solutions      (nbval: every cell must print what is stored)

once per environment:

    default       whatever this machine picks (here: OpenBLAS SkylakeX, numpy AVX-512 loops)
    haswell       OPENBLAS_CORETYPE=Haswell: the AVX2 kernel of most AMD and older Intel readers
    prescott      OPENBLAS_CORETYPE=Prescott: SSE3 kernels
    sandybridge   OPENBLAS_CORETYPE=Sandybridge and numpy's AVX2/FMA3/AVX-512 loops disabled
                  (NPY_DISABLE_CPU_FEATURES; numpy >= 2.4 names them X86_V3, X86_V4, AVX512_*)
    threads1      OPENBLAS_NUM_THREADS=1

Before each run a probe process with the same environment (the notebook kernels inherit it)
reports what really took effect: the OpenBLAS kernel and thread count (threadpoolctl) and the
numpy SIMD extensions in use (numpy.show_runtime()). If a setting did not take effect (an
unknown core type, a feature name this numpy ignores), the script stops with status 2: a matrix
that silently runs the default kernel five times proves nothing.

Usage (from the repository root, inside the virtual environment):

    python tools/check_platforms.py                  # all environments, book/ and solutions/
    python tools/check_platforms.py --env prescott   # one environment (repeatable)
    python tools/check_platforms.py -- tests/        # other paths for pytest
    python tools/check_platforms.py --probe-only     # only show what each environment runs

Exit status: 0 if every cell passed in every environment, 1 if any cell failed anywhere,
2 if an environment could not be set up. What to do when a cell passes only on some kernels:
see "Reproducible on every machine" in CONTRIBUTING.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# numpy's dispatchable SIMD groups above the x86-64 baseline. numpy 2.4 groups AVX2+FMA3 as
# X86_V3 and AVX-512 (F, CD, VL, BW, DQ) as X86_V4; older numpy spells them AVX2, FMA3, AVX512F.
# numpy silently ignores a name it does not know, so the probe checks what is really in use.
NUMPY_ABOVE_SSE = ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]


@dataclass
class Environment:
    """One numerical environment: environment variables and what they must produce."""

    name: str
    env: dict[str, str]
    what: str
    # Accepted OpenBLAS core names (threadpoolctl "architecture"); None = whatever the CPU picks.
    blas_core: tuple[str, ...] | None = None
    blas_threads: int | None = None
    # The only numpy SIMD extensions (above the baseline) allowed in use; None = any.
    numpy_allowed: list[str] | None = None


ENVIRONMENTS = [
    Environment("default", {}, "this machine's own choice"),
    Environment("haswell", {"OPENBLAS_CORETYPE": "Haswell"},
                "OpenBLAS AVX2 kernel (most AMD and pre-2017 Intel CPUs)",
                blas_core=("Haswell",)),
    # OpenBLAS's dynamic builds alias the older cores (Katmai, Coppermine, ...) to the Prescott
    # table and report its name as "Katmai": both names mean the SSE3 kernels ran.
    Environment("prescott", {"OPENBLAS_CORETYPE": "Prescott"},
                "OpenBLAS SSE3 kernel",
                blas_core=("Prescott", "Katmai")),
    Environment("sandybridge",
                {"OPENBLAS_CORETYPE": "Sandybridge",
                 "NPY_DISABLE_CPU_FEATURES": ",".join(NUMPY_ABOVE_SSE)},
                "OpenBLAS AVX kernel, numpy without its AVX2/FMA3/AVX-512 loops",
                blas_core=("Sandybridge",), numpy_allowed=[]),
    Environment("threads1", {"OPENBLAS_NUM_THREADS": "1"},
                "one BLAS thread (sums in a different order than with several)",
                blas_threads=1),
]

PROBE = r"""
import hashlib, json
import numpy as np
import threadpoolctl
blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
# The same lists numpy.show_runtime() prints as "baseline" and "found".
try:
    from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    found = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    baseline = list(__cpu_baseline__)
except ImportError:  # numpy < 2
    from numpy.core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    found = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    baseline = list(__cpu_baseline__)
# Hashes of a matrix product, two ufuncs and a reduction: different kernels round differently.
rng = np.random.default_rng(0)
a = rng.standard_normal((257, 129))
b = rng.standard_normal((129, 65))
fingerprint = " ".join(hashlib.sha256(x.tobytes()).hexdigest()[:8]
                       for x in (a @ b, np.tanh(a), np.exp(a), a.sum(axis=0)))
print(json.dumps({
    "numpy": np.__version__,
    "baseline": baseline,
    "found": found,
    "blas": [{"core": i.get("architecture"), "threads": i.get("num_threads"),
              "version": i.get("version")} for i in blas],
    "fingerprint": fingerprint,
}))
"""


def probe(env: dict[str, str]) -> dict:
    """What numpy and OpenBLAS really use in a process started with ``env``."""
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0 or out.stderr.strip():
        raise RuntimeError(f"the probe failed (status {out.returncode}):\n"
                           f"{out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_probe(spec: Environment, info: dict) -> list[str]:
    """Every way in which ``info`` shows that ``spec`` did not take effect."""
    problems = []
    if len(info["blas"]) != 1:
        problems.append(f"expected one BLAS library, threadpoolctl found {info['blas']}")
        return problems
    blas = info["blas"][0]
    if spec.blas_core is not None and blas["core"] not in spec.blas_core:
        problems.append(f"OpenBLAS runs core {blas['core']!r}, expected one of "
                        f"{list(spec.blas_core)}")
    if spec.blas_threads is not None and blas["threads"] != spec.blas_threads:
        problems.append(f"OpenBLAS runs {blas['threads']} threads, expected "
                        f"{spec.blas_threads}")
    still_on = ([] if spec.numpy_allowed is None
                else [f for f in info["found"] if f not in spec.numpy_allowed])
    if still_on:
        problems.append(f"numpy still uses {still_on} although NPY_DISABLE_CPU_FEATURES="
                        f"{spec.env.get('NPY_DISABLE_CPU_FEATURES')!r}")
    return problems


def describe(info: dict) -> str:
    blas = info["blas"][0] if info["blas"] else {}
    return (f"OpenBLAS {blas.get('version')} core {blas.get('core')} "
            f"threads {blas.get('threads')}; numpy {info['numpy']} baseline "
            f"{','.join(info['baseline']) or '-'} + "
            f"{','.join(info['found']) or 'no dispatched SIMD'}; "
            f"fingerprint {info['fingerprint']}")


def run_pytest(env: dict[str, str], paths: list[str], jobs: int) -> tuple[int, str, float]:
    """Run nbval on ``paths``; return (status, output, seconds)."""
    cmd = [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider",
           "-o", "addopts=", "--nbval", "--nbval-current-env", "--nbval-cell-timeout=300",
           "-rf", "--tb=short", "--color=no"]
    if jobs > 1:
        cmd += ["-n", str(jobs), "--dist", "loadfile"]
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    return out.returncode, out.stdout + out.stderr, time.perf_counter() - start


def failure_sections(output: str, max_lines: int = 60) -> list[str]:
    """Each failed cell's report from pytest's output (nbval shows the differing output)."""
    sections, current = [], None
    for line in output.splitlines():
        if re.match(r"^_{3,} .+ _{3,}$", line) or re.match(r"^={3,} .* ={3,}$", line):
            if current:
                sections.append(current)
            current = [line] if line.startswith("_") else None
        elif current is not None:
            current.append(line)
    if current:
        sections.append(current)
    out = []
    for lines in sections:
        if len(lines) > max_lines:
            lines = lines[:max_lines] + [f"    ... ({len(lines) - max_lines} more lines)"]
        out.append("\n".join("    " + ln for ln in lines))
    return out


def main(argv: list[str] | None = None) -> int:
    names = [e.name for e in ENVIRONMENTS]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", action="append", choices=names,
                        help="run only this environment (repeatable; default: all)")
    parser.add_argument("--jobs", "-j", type=int, default=1,
                        help="pytest-xdist workers per run (--dist loadfile); default 1")
    parser.add_argument("--probe-only", action="store_true",
                        help="check and print each environment's kernels, run no tests")
    parser.add_argument("paths", nargs="*", default=["book", "solutions"],
                        help="what pytest runs (default: book solutions)")
    args = parser.parse_args(argv)
    chosen = [e for e in ENVIRONMENTS if args.env is None or e.name in args.env]

    base = dict(os.environ)
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                "NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES"):
        base.pop(var, None)  # the matrix, not the caller's shell, decides these

    # Set up and verify every environment first, so a broken one fails in seconds.
    envs = {}
    for spec in chosen:
        env = {**base, **spec.env}
        try:
            info = probe(env)
        except RuntimeError as err:
            print(f"ERROR [{spec.name}] {err}", file=sys.stderr)
            return 2
        problems = check_probe(spec, info)
        settings = " ".join(f"{k}={v}" for k, v in spec.env.items()) or "(no variables)"
        print(f"[{spec.name}] {settings}\n    {spec.what}\n    ran: {describe(info)}")
        if problems:
            for p in problems:
                print(f"ERROR [{spec.name}] setting did not take effect: {p}",
                      file=sys.stderr)
            return 2
        envs[spec.name] = env
    if args.probe_only:
        return 0

    results = []
    for spec in chosen:
        print(f"\n=== [{spec.name}] python -m pytest {' '.join(args.paths)}", flush=True)
        status, output, seconds = run_pytest(envs[spec.name], args.paths, args.jobs)
        summary = output.strip().splitlines()[-1] if output.strip() else "(no output)"
        failed = [ln for ln in output.splitlines() if ln.startswith(("FAILED", "ERROR"))]
        for section in failure_sections(output):
            print(section)
        for ln in failed:
            print("   ", ln)
        if status != 0 and not failed:
            print(output[-3000:])
        print(f"    {summary}  [{seconds:.0f} s]", flush=True)
        results.append((spec.name, status, summary, seconds))

    print("\nenvironment   result   time   pytest summary")
    for name, status, summary, seconds in results:
        word = "pass" if status == 0 else "FAIL"
        summary = re.sub(r"=+", "", summary).strip()
        print(f"{name:<13} {word:<8} {seconds:4.0f} s {summary}")
    total = sum(r[3] for r in results)
    print(f"total {total:.0f} s")
    return 0 if all(r[1] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
