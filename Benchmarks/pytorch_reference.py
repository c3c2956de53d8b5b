#!/usr/bin/env python3
"""PyTorch CPU reference for the Swift training engine's throughput benchmark.

Measures, for each model, training throughput (zero_grad, forward,
cross-entropy, backward, SGD step with Nesterov momentum and weight decay, in
train mode so BatchNorm uses batch statistics) and inference throughput
(eval mode, forward only under torch.inference_mode()), both in images per
second, on random CIFAR-shaped float32 input (batch x 3 x 32 x 32, labels 0..9).

Run:
    python3 Benchmarks/pytorch_reference.py \
        --models mlp,lenet5,resnet8,resnet20,resnet56 --batch-size 128 --json
    python3 Benchmarks/pytorch_reference.py --self-check   # parameter counts only

Absolute times depend on the machine, its load and the PyTorch build. Report
ratios (Swift images/s divided by PyTorch images/s, measured on the same
machine with the same thread count), not absolute numbers.
"""

import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 10
EXPECTED_PARAMETERS = {
    "mlp": 1_707_274,
    "lenet5": 62_006,
    "resnet8": 75_290,  # 78,042 would be option-B (1x1 conv + BN) shortcuts
    "resnet20": 269_722,
    "resnet56": 853_018,
}
RESNET_BLOCKS_PER_STAGE = {"resnet8": 1, "resnet20": 3, "resnet56": 9}
VALID_MODELS = list(EXPECTED_PARAMETERS)


def make_mlp():
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(3 * 32 * 32, 512), nn.ReLU(),
        nn.Linear(512, 256), nn.ReLU(),
        nn.Linear(256, NUM_CLASSES),
    )


def make_lenet5():
    return nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, NUM_CLASSES),
    )


class BasicBlock(nn.Module):
    """He et al. 2016 CIFAR basic block with the parameter-free option-A shortcut."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = stride != 1 or in_planes != planes
        self.pad = planes // 4

    def shortcut(self, x):
        if not self.downsample:
            return x
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    """ResNet-(6n+2) for CIFAR: stem, three stages (16, 32, 64), pool, linear."""

    def __init__(self, blocks_per_stage):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, in_planes = [], 16
        for planes, first_stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(blocks_per_stage):
                layers.append(BasicBlock(in_planes, planes, first_stride if i == 0 else 1))
                in_planes = planes
        self.stages = nn.Sequential(*layers)
        self.fc = nn.Linear(64, NUM_CLASSES)

    def forward(self, x):
        out = self.stages(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(out, 1), 1))


def build_model(name):
    if name == "mlp":
        return make_mlp()
    if name == "lenet5":
        return make_lenet5()
    return CifarResNet(RESNET_BLOCKS_PER_STAGE[name])


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def images_per_second(step, batch_size, warmup_steps, steps):
    for _ in range(warmup_steps):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return batch_size * steps / (time.perf_counter() - start)


def benchmark(name, batch_size, threads, warmup_steps, steps):
    torch.manual_seed(0)
    images = torch.randn(batch_size, 3, 32, 32, dtype=torch.float32)
    labels = torch.randint(0, NUM_CLASSES, (batch_size,))
    model = build_model(name)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                nesterov=True, weight_decay=5e-4)

    def train_step():
        optimizer.zero_grad()
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()

    model.train()
    train_ips = images_per_second(train_step, batch_size, warmup_steps, steps)
    model.eval()
    with torch.inference_mode():
        infer_ips = images_per_second(lambda: model(images), batch_size, warmup_steps, steps)
    return {
        "model": name,
        "batch_size": batch_size,
        "threads": threads,
        "train_images_per_second": round(train_ips, 2),
        "inference_images_per_second": round(infer_ips, 2),
        "parameters": count_parameters(model),
        "framework": "pytorch",
        "torch_version": torch.__version__,
    }


def self_check():
    ok = True
    for name, expected in EXPECTED_PARAMETERS.items():
        got = count_parameters(build_model(name))
        status = "ok" if got == expected else f"MISMATCH (expected {expected:,})"
        ok &= got == expected
        print(f"{name:<10} {got:>10,} parameters  {status}")
    return 0 if ok else 1


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="PyTorch CPU training/inference throughput reference "
                    "(random CIFAR-shaped data, images per second).",
        epilog="example: python3 Benchmarks/pytorch_reference.py "
               "--models mlp,lenet5,resnet8,resnet20,resnet56 --batch-size 128 --json",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--models", default=",".join(VALID_MODELS),
                        help="comma-separated list of: " + ", ".join(VALID_MODELS))
    parser.add_argument("--batch-size", type=int, default=128, help="images per step")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--warmup-steps", type=int, default=3, help="untimed steps first")
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per model instead of a table")
    parser.add_argument("--self-check", action="store_true",
                        help="only build each model and verify its parameter count")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.self_check:
        return self_check()
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in EXPECTED_PARAMETERS]
    if unknown:
        print(f"error: unknown model(s): {', '.join(unknown)}; "
              f"valid models: {', '.join(VALID_MODELS)}", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if not args.json:
        print(f"PyTorch {torch.__version__}, batch {args.batch_size}, threads {args.threads}")
        print(f"{'model':<10} {'parameters':>12} {'train img/s':>13} {'infer img/s':>13}")
    for name in models:
        r = benchmark(name, args.batch_size, args.threads, args.warmup_steps, args.steps)
        if args.json:
            print(json.dumps(r), flush=True)
        else:
            print(f"{name:<10} {r['parameters']:>12,} {r['train_images_per_second']:>13.1f} "
                  f"{r['inference_images_per_second']:>13.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
