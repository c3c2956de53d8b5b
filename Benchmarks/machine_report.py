"""Which CPU a benchmark ran on, and which oneDNN kernels each program's layers got there.

A throughput ratio between ParamShare and PyTorch says little without both: the same two
programs are 0.6 or 1.4 of each other depending on whether the CPU has AVX-512, AVX512_BF16 or
AMX, and on whether oneDNN chose a JIT kernel for that ISA or fell back to a reference or
`jit:uni` one. Both programs call oneDNN (ParamShare the system's, PyTorch its own), and
oneDNN names the kernel it runs for every call when ONEDNN_VERBOSE=1, in the same fields in
oneDNN 2.x and 3.x, so one short untimed run of each program with it set reads them all.
"""

import os
import re
import subprocess
from pathlib import Path

# The flags that decide which kernels oneDNN and OpenBLAS can choose.
RELEVANT_FLAGS = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
                  "amx_tile", "amx_bf16", "amx_int8", "amx_fp16"]


# What caps each program's instruction set at AVX2 on a CPU that has more, so that an AVX-512
# machine can stand in for an AVX2-only one: oneDNN (ours, Debian's 2.x, and PyTorch's 3.x) reads
# ONEDNN_MAX_CPU_ISA, PyTorch's own ATen kernels ATEN_CPU_CAPABILITY, MKL (PyTorch's GEMM)
# MKL_ENABLE_INSTRUCTIONS, and OpenBLAS (ours, built for every x86 core) OPENBLAS_CORETYPE. The
# engine's Swift code is compiled for the x86-64 baseline and its C loops pick an AVX2 clone on
# any CPU with AVX2, so neither changes. What the cap cannot change is the microarchitecture:
# caches, clock and the number of vector units stay this CPU's, so it approximates an AVX2-only
# CPU's code paths, not its speed.
ISA_CAPS = {
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "DNNL_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2",
             "MKL_ENABLE_INSTRUCTIONS": "AVX2", "OPENBLAS_CORETYPE": "Haswell"},
}


def capped_environment(cap):
    """The environment every benchmarked program runs in: this one, plus ISA_CAPS[cap] if a cap
    is given."""
    return dict(os.environ, **ISA_CAPS[cap]) if cap else dict(os.environ)


def cpu_report():
    """The CPU's model name and which of RELEVANT_FLAGS it has, from /proc/cpuinfo."""
    model, flags = "unknown CPU", set()
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return {"model": model, "flags": []}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and model == "unknown CPU":
            model = value.strip()
        elif key.strip() == "flags" and not flags:
            flags = set(value.split())
    return {"model": model, "flags": [flag for flag in RELEVANT_FLAGS if flag in flags],
            "cores": os.cpu_count()}


def onednn_kernels(command, cwd, environment=None):
    """The distinct oneDNN kernels one run of `command` (in `environment`, by default this one)
    executes: a sorted list of
    {kind, propagation, implementation, problem}, where problem is oneDNN's shape string
    (`mb8_ic16oc16_ih32oh32kh3sh1dh0ph1_iw32ow32kw3sw1dw0pw1`, `128x512:512x256`)."""
    environment = dict(environment or os.environ, ONEDNN_VERBOSE="1", DNNL_VERBOSE="1")
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=environment)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    kernels = set()
    for line in (result.stdout + "\n" + result.stderr).splitlines():
        if not line.startswith("onednn_verbose,") and not line.startswith("dnnl_verbose,"):
            continue
        fields = line.split(",")
        # 2.x: onednn_verbose,exec,cpu,KIND,IMPL,PROP,MDS,ATTRS,ALG,PROBLEM,TIME;
        # 3.x puts `v1,primitive,` before `exec`. Everything after `exec` is the same.
        if "exec" not in fields:
            continue
        at = fields.index("exec")
        if len(fields) < at + 10:
            continue
        kind, implementation, propagation, problem = fields[at + 2], fields[at + 3], fields[at + 4], fields[at + 8]
        kernels.add((kind, propagation, implementation, problem))
    return [{"kind": k, "propagation": p, "implementation": i, "problem": s} for k, p, i, s in sorted(kernels)]


def summarise_kernels(kernels):
    """One line per kind, propagation and implementation, with the layer shapes that got it,
    compacted (`ic16oc16 32x32 k3s1`; reorders by their count only)."""
    groups = {}
    for kernel in kernels:
        groups.setdefault((kernel["kind"], kernel["propagation"], kernel["implementation"]), []).append(kernel["problem"])
    lines = []
    for (kind, propagation, implementation), problems in sorted(groups.items()):
        name = f"{kind} {propagation}" if propagation not in ("undef", "") else kind
        if kind == "reorder":
            lines.append(f"{name} {implementation}: {len(problems)} shapes")
            continue
        lines.append(f"{name} {implementation}: " + ", ".join(sorted({compact(problem) for problem in problems})))
    return lines or ["no oneDNN primitive"]


def compact(problem):
    """`mb8_ic16oc16_ih32oh32kh3sh1dh0ph1_iw32ow32kw3sw1dw0pw1` → `mb8 ic16oc16 32x32 k3s1`."""
    match = re.match(r"(?:g\d+)?mb(\d+)_ic(\d+)oc(\d+)_ih(\d+)oh\d+kh(\d+)sh(\d+).*_iw(\d+)", problem)
    if not match:
        return problem
    items, inputs, outputs, height, kernel, stride, width = match.groups()
    return f"mb{items} ic{inputs}oc{outputs} {height}x{width} k{kernel}s{stride}"
