#!/usr/bin/env python3
"""ParamShare against PyTorch CPU, side by side: alternating pairs, medians and ratios.

For every model and pair, runs `sweep bench` once, then Benchmarks/pytorch_reference.py once
per PyTorch mode, each in its own process (so each peak RSS is that model's alone), one after
another, never two at once. Prints, per model, the median images per second of each, and the median over
the pairs of our images per second divided by the fastest PyTorch mode's in the same pair, at
the same precision (fp32: NCHW or channels_last, whichever has the higher median; bf16:
ParamShare's `--precision bf16` against PyTorch's channels_last with autocast, with --bf16, which
also reports ParamShare bf16's step time over its fp32's). With --generator, every pair also runs ParamShare
dense, and the generator's overhead is the median over pairs of its training step time over
dense's (issue 11's target for RPG at 10 %: at most 1.03).

Every run first prints the CPU's model and its relevant flags (AVX2, AVX-512, AVX512_BF16, AMX),
and, per model, which oneDNN kernel each program's layers got for each shape, read from one short
untimed run of each with ONEDNN_VERBOSE=1 (Benchmarks/machine_report.py; --no-kernels skips it),
so that every ratio says which CPU and which kernels it came from. With --max-isa avx2 both
programs run capped at AVX2 (machine_report.ISA_CAPS says how and what that cannot change); the
kernel lists then show whether the cap held.

Run from the repository root, after `swift build -c release`:
    python3 Benchmarks/side_by_side.py --models resnet20 --pairs 3
    python3 Benchmarks/side_by_side.py --models mlp,lenet5,resnet8,resnet20,resnet56 --pairs 3 --json
    python3 Benchmarks/side_by_side.py --models resnet20,resnet56 --generator rpg --budget 10% --pairs 5
    python3 Benchmarks/side_by_side.py --models resnet8,resnet20,resnet56 --bf16 --pairs 3
    python3 Benchmarks/side_by_side.py --models resnet18 --image-size 64 --pairs 3   # the ImageNet stem
    python3 Benchmarks/side_by_side.py --models mlp,lenet5,resnet8,resnet20,resnet56 --max-isa avx2 --pairs 3
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from machine_report import ISA_CAPS, capped_environment, cpu_report, onednn_kernels, summarise_kernels

ROOT = Path(__file__).resolve().parent.parent
MODES = {"nchw": [], "channels_last": ["--channels-last"], "bf16": ["--bf16"]}


def run_json(command, environment):
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(args, model):
    environment = capped_environment(args.max_isa)
    common = ["--models", model, "--batch-size", str(args.batch_size), "--image-size", str(args.image_size),
              "--steps", str(args.steps), "--warmup-steps", str(args.warmup_steps), "--json"]
    dense = [str(ROOT / args.sweep), "bench", "--threads", str(args.threads)] + common
    ours = dense + (["--generator", args.generator, "--budget", args.budget] if args.generator else [])
    reference = [sys.executable, str(ROOT / "Benchmarks" / "pytorch_reference.py"), "--threads", str(args.threads)] + common
    modes = ["nchw", "channels_last"] + (["bf16"] if args.bf16 else [])
    samples = {name: [] for name in ["paramshare"] + (["paramshare_dense"] if args.generator else [])
               + (["paramshare_bf16"] if args.bf16 else []) + modes}
    for pair in range(args.pairs):
        samples["paramshare"].append(run_json(ours, environment))
        if args.generator:
            samples["paramshare_dense"].append(run_json(dense, environment))
        if args.bf16:
            samples["paramshare_bf16"].append(run_json(ours + ["--precision", "bf16"], environment))
        for mode in modes:
            samples[mode].append(run_json(reference + MODES[mode], environment))
        print(f"{model}: pair {pair + 1} of {args.pairs} done", file=sys.stderr, flush=True)
    return samples


def kernels(args, model):
    """The oneDNN kernels of every program and mode the pairs time, from one untimed step each."""
    common = ["--models", model, "--batch-size", str(args.batch_size), "--image-size", str(args.image_size),
              "--steps", "1", "--warmup-steps", "0", "--json"]
    ours = [str(ROOT / args.sweep), "bench", "--threads", str(args.threads)] + common
    reference = [sys.executable, str(ROOT / "Benchmarks" / "pytorch_reference.py"), "--threads", str(args.threads)] + common
    commands = {"paramshare": ours, "channels_last": reference + MODES["channels_last"]}
    if args.bf16:
        commands["paramshare_bf16"] = ours + ["--precision", "bf16"]
        commands["bf16"] = reference + MODES["bf16"]
    environment = capped_environment(args.max_isa)
    return {name: onednn_kernels(command, ROOT, environment) for name, command in commands.items()}


def summarise(model, samples):
    def median(name, key):
        return statistics.median(sample[key] for sample in samples[name])
    row = {"model": model}
    for name in samples:
        for key, short in [("train_images_per_second", "train"), ("inference_images_per_second", "inference"),
                           ("peak_resident_mebibytes", "peak_mib")]:
            row[f"{name}_{short}"] = round(median(name, key), 1)
    def pair_ratio(mode, key, ours_name="paramshare"):
        # Each pair's runs are minutes apart at most, so the median of per-pair ratios follows the
        # machine's drift less than the ratio of medians.
        return statistics.median(ours[key] / theirs[key] for ours, theirs in zip(samples[ours_name], samples[mode]))
    if "paramshare_dense" in samples:
        # Step time over dense's is dense's images per second over the generator's.
        row["generator_overhead"] = round(statistics.median(
            dense["train_images_per_second"] / ours["train_images_per_second"]
            for ours, dense in zip(samples["paramshare"], samples["paramshare_dense"])), 3)
    for kind, key in [("train", "train_images_per_second"), ("inference", "inference_images_per_second")]:
        best = max(["nchw", "channels_last"], key=lambda mode: row[f"{mode}_{kind}"])
        row[f"fastest_fp32_{kind}"] = best
        row[f"ratio_fp32_{kind}"] = round(pair_ratio(best, key), 3)
        if "bf16" in samples:
            row[f"ratio_bf16_{kind}"] = round(pair_ratio("bf16", key, ours_name="paramshare_bf16"), 3)
            # Step time with bf16 operands over fp32's: fp32's images per second over bf16's.
            row[f"bf16_cost_{kind}"] = round(1 / pair_ratio("paramshare", key, ours_name="paramshare_bf16"), 3)
    row["peak_ratio"] = round(row["paramshare_peak_mib"] / row[f"{row['fastest_fp32_train']}_peak_mib"], 3)
    if "bf16" in samples:
        row["peak_ratio_bf16"] = round(row["paramshare_bf16_peak_mib"] / row["bf16_peak_mib"], 3)
    row["pairs"] = len(samples["paramshare"])
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="resnet20")
    parser.add_argument("--pairs", type=int, default=3, help="alternating runs of each (median over them)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--image-size", type=int, default=32, help="side of the random images, passed to both")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--generator", help="ParamShare generator of the shared layers (default: dense)")
    parser.add_argument("--budget", default="10%")
    parser.add_argument("--bf16", action="store_true", help="also run PyTorch's bf16 autocast mode")
    parser.add_argument("--sweep", default=".build/release/sweep", help="the sweep binary, from the root")
    parser.add_argument("--json", action="store_true", help="one JSON object per model")
    parser.add_argument("--max-isa", choices=sorted(ISA_CAPS),
                        help="cap both programs' instruction set (an AVX-512 CPU standing in for an AVX2 one)")
    parser.add_argument("--no-kernels", action="store_true", help="skip the untimed ONEDNN_VERBOSE run of each program")
    args = parser.parse_args()
    if args.pairs < 1:
        sys.exit("error: --pairs must be at least 1")
    cpu = cpu_report()
    cpu["max_isa"] = args.max_isa
    if not args.json:
        print(f"CPU: {cpu['model']}, {cpu['cores']} cores, flags: {' '.join(cpu['flags'])}"
              + (f"; both programs capped at {args.max_isa.upper()} by "
                 + " ".join(f"{k}={v}" for k, v in ISA_CAPS[args.max_isa].items()) if args.max_isa else ""), flush=True)
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        row = summarise(model, measure(args, model))
        row["cpu"] = cpu
        used = {} if args.no_kernels else kernels(args, model)
        if args.json:
            row["onednn_kernels"] = used
            print(json.dumps(row), flush=True)
            continue
        print(f"{model}: median of {row['pairs']} pairs, {args.threads} threads, batch {args.batch_size}")
        for kind in ["train", "inference"]:
            print(f"  {kind:<9} ParamShare {row[f'paramshare_{kind}']:>8.1f} img/s   "
                  f"PyTorch NCHW {row[f'nchw_{kind}']:>8.1f}   channels_last {row[f'channels_last_{kind}']:>8.1f}   "
                  f"median pair ratio to the fastest fp32: {row[f'ratio_fp32_{kind}']:.2f}"
                  + (f"\n            bf16: ParamShare {row[f'paramshare_bf16_{kind}']:>8.1f} img/s   PyTorch autocast "
                     f"{row[f'bf16_{kind}']:>8.1f}   median pair ratio {row[f'ratio_bf16_{kind}']:.2f}   "
                     f"ParamShare bf16 step time over its fp32's {row[f'bf16_cost_{kind}']:.2f}" if args.bf16 else ""))
        print(f"  peak RSS  ParamShare {row['paramshare_peak_mib']:.0f} MiB, PyTorch "
              f"{row[row['fastest_fp32_train'] + '_peak_mib']:.0f} MiB (ratio {row['peak_ratio']:.2f})"
              + (f"; ParamShare bf16 {row['paramshare_bf16_peak_mib']:.0f} MiB, PyTorch autocast "
                 f"{row['bf16_peak_mib']:.0f} MiB (ratio {row['peak_ratio_bf16']:.2f})" if args.bf16 else ""), flush=True)
        if args.generator:
            print(f"  {args.generator} at {args.budget}: training step time over ParamShare dense's "
                  f"{row['generator_overhead']:.3f} (median pair ratio; dense {row['paramshare_dense_train']:.1f} img/s)",
                  flush=True)
        for name, label in [("paramshare", "ParamShare fp32"), ("channels_last", "PyTorch channels_last fp32"),
                            ("paramshare_bf16", "ParamShare bf16"), ("bf16", "PyTorch bf16 autocast")]:
            if name in used:
                print(f"  oneDNN kernels, {label}:\n" + "\n".join(f"    {line}" for line in summarise_kernels(used[name])),
                      flush=True)


if __name__ == "__main__":
    main()
