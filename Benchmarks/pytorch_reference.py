#!/usr/bin/env python3
"""PyTorch CPU reference for the Swift training engine: throughput and training.

Two modes. The default (also spelt `bench`) is the throughput benchmark; `train`
trains ResNet-20 on a CIFAR-10 subset with a fixed recipe that the Swift engine
implements too, so that the two test accuracies can be compared.

Benchmark mode:

Measures, for each model, training throughput (zero_grad, forward,
cross-entropy, backward, SGD step with Nesterov momentum and weight decay, in
train mode so BatchNorm uses batch statistics) and inference throughput
(eval mode, forward only under torch.inference_mode()), both in images per
second, on random CIFAR-shaped float32 input (batch x 3 x 32 x 32, labels 0..9).

Run:
    python3 Benchmarks/pytorch_reference.py \
        --models mlp,lenet5,resnet8,resnet20,resnet56 --batch-size 128 --json
    python3 Benchmarks/pytorch_reference.py --self-check   # parameter counts only
    python3 Benchmarks/pytorch_reference.py bench --models resnet8 --json  # same as without `bench`
    python3 Benchmarks/pytorch_reference.py --models resnet20 --channels-last   # NHWC, fp32
    python3 Benchmarks/pytorch_reference.py --models resnet20 --bf16            # NHWC, bf16 autocast

Compare against the fastest mode at the same precision: --channels-last for fp32
(NCHW is slower on CPU), --bf16 for bfloat16.

Absolute times depend on the machine, its load and the PyTorch build. Report
ratios (Swift images/s divided by PyTorch images/s, measured on the same
machine with the same thread count), not absolute numbers.

Training mode:
    python3 Benchmarks/pytorch_reference.py train \
        --data-dir ../shared/datasets/cifar10/cifar-10-batches-bin --seeds 0,1 --json

The recipe (keep it in step with the Swift engine's):
  * ResNet-20 as `resnet20` above (option-A shortcuts); every Conv2d weight
    kaiming_normal_(mode="fan_out", nonlinearity="relu"), BatchNorm weight 1 and
    bias 0, the final Linear with PyTorch's default initialisation.
  * CIFAR-10 binary files (records of 1 label byte + 3072 pixel bytes, R, G, B
    planes of 32x32 row-major). Training set: the first --train-limit records of
    data_batch_1.bin, data_batch_2.bin, ...; test set: all of test_batch.bin.
  * Pixels byte/255, then (x - mean) / std per channel, with mean and population
    std (ddof=0) over all pixels of the training subset, computed in float64.
  * Training augmentation per image and epoch: zero-pad 4 on each side (in
    normalised space), random 32x32 crop (offsets 0..8 on both axes), then a
    horizontal flip with probability 0.5.
  * Batches of 128, reshuffled every epoch, last partial batch kept.
  * F.cross_entropy; SGD, momentum 0.9, Nesterov, weight decay 5e-4 on conv and
    linear weights only (BatchNorm parameters and the Linear bias get none).
  * Learning rate set before every step: linear warm-up from 0.01 to 0.1 over
    round(0.15 * total steps), then cosine from 0.1 down to 1e-4.
  * Test accuracy after every epoch, eval mode, batches of 1000.
With --json each seed prints one JSON line on stdout; per-epoch progress and
the mean final test accuracy over the seeds go to stderr.
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
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
    # torchvision's resnet18/resnet34 with 10 classes and, for 32x32 input, the CIFAR stem;
    # 11,689,512 and 21,797,672 at 1,000 classes with the ImageNet stem.
    "resnet18": 11_173_962,
    "resnet34": 21_282_122,
}
RESNET_BLOCKS_PER_STAGE = {"resnet8": 1, "resnet20": 3, "resnet56": 9}
IMAGENET_RESNET_BLOCKS = {"resnet18": [2, 2, 2, 2], "resnet34": [3, 4, 6, 3]}
VALID_MODELS = list(EXPECTED_PARAMETERS)
# What the benchmark runs without --models: the models it has always compared.
DEFAULT_MODELS = ["mlp", "lenet5", "resnet8", "resnet20", "resnet56"]


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


class TorchvisionBasicBlock(BasicBlock):
    """torchvision's BasicBlock, with its module names: the option-B shortcut is `downsample`."""

    def __init__(self, in_planes, planes, stride):
        super().__init__(in_planes, planes, stride)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def shortcut(self, x):
        return x if self.downsample is None else self.downsample(x)


class TorchvisionResNet(nn.Module):
    """torchvision's ResNet-18/34 (its state-dict names), with ParamShare's choice of stem: the
    CIFAR stem (3x3 stride 1, no max pool) for images of side 32 or less, the ImageNet stem
    (7x7 stride 2, 3x3 stride-2 max pool) above."""

    def __init__(self, blocks, image_size=32, classes=NUM_CLASSES):
        super().__init__()
        if image_size <= 32:
            self.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
            self.maxpool = nn.Identity()
        else:
            self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
            self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(64)
        in_planes = 64
        for index, (planes, count) in enumerate(zip((64, 128, 256, 512), blocks)):
            stage = []
            for i in range(count):
                stage.append(TorchvisionBasicBlock(in_planes, planes, 2 if index > 0 and i == 0 else 1))
                in_planes = planes
            setattr(self, f"layer{index + 1}", nn.Sequential(*stage))
        self.fc = nn.Linear(512, classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        out = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(out, 1), 1))


def build_model(name, image_size=32):
    if name == "mlp":
        return make_mlp()
    if name == "lenet5":
        return make_lenet5()
    if name in IMAGENET_RESNET_BLOCKS:
        return TorchvisionResNet(IMAGENET_RESNET_BLOCKS[name], image_size=image_size)
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


def benchmark(name, batch_size, threads, warmup_steps, steps, channels_last=False, bf16=False, image_size=32):
    """Images per second on random image_size x image_size images; channels_last puts the model and
    input in NHWC (oneDNN's fast path), bf16 runs forward and backward under CPU autocast to
    bfloat16 (fp32 master weights)."""
    torch.manual_seed(0)
    images = torch.randn(batch_size, 3, image_size, image_size, dtype=torch.float32)
    labels = torch.randint(0, NUM_CLASSES, (batch_size,))
    model = build_model(name, image_size=image_size)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                nesterov=True, weight_decay=5e-4)

    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)

    def train_step():
        optimizer.zero_grad()
        with autocast():
            loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()

    def infer_step():
        with autocast():
            model(images)

    model.train()
    train_ips = images_per_second(train_step, batch_size, warmup_steps, steps)
    model.eval()
    with torch.inference_mode():
        infer_ips = images_per_second(infer_step, batch_size, warmup_steps, steps)
    return {
        "model": name,
        "batch_size": batch_size,
        "threads": threads,
        "train_images_per_second": round(train_ips, 2),
        "inference_images_per_second": round(infer_ips, 2),
        "parameters": count_parameters(model),
        "framework": "pytorch",
        "torch_version": torch.__version__,
        "memory_format": "channels_last" if channels_last else "nchw",
        "precision": "bf16" if bf16 else "fp32",
        # The process's peak so far: run one model per process to compare it with ours.
        "peak_resident_mebibytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def self_check():
    ok = True
    for name, expected in EXPECTED_PARAMETERS.items():
        got = count_parameters(build_model(name))
        status = "ok" if got == expected else f"MISMATCH (expected {expected:,})"
        ok &= got == expected
        print(f"{name:<10} {got:>10,} parameters  {status}")
    return 0 if ok else 1

# ---------------------------------------------------------------------------
# Training mode: ResNet-20 on a CIFAR-10 subset with a fixed recipe.
# ---------------------------------------------------------------------------

CIFAR_IMAGE_BYTES = 3 * 32 * 32
CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES
CIFAR_RECORDS_PER_FILE = 10_000
CIFAR_TRAIN_FILES = [f"data_batch_{i}.bin" for i in range(1, 6)]
CIFAR_TEST_FILE = "test_batch.bin"
CIFAR_FORMAT = (f"CIFAR-10 binary version: records of {CIFAR_RECORD_BYTES} bytes "
                f"(1 label byte 0..9, then 3072 pixel bytes: R, G, B planes of 32x32, "
                f"row-major), e.g. data_batch_1.bin .. data_batch_5.bin and test_batch.bin "
                f"from cifar-10-binary.tar.gz")

TRAIN_BATCH_SIZE = 128
TRAIN_LR_PEAK = 0.1
TRAIN_LR_START = 0.01
TRAIN_LR_END = 1e-4
TRAIN_WARMUP_FRACTION = 0.15
TRAIN_MOMENTUM = 0.9
TRAIN_WEIGHT_DECAY = 5e-4
TRAIN_PAD = 4
EVAL_BATCH_SIZE = 1000


class DataError(Exception):
    """A data file is missing or not in the CIFAR-10 binary format."""


def read_cifar_file(path, max_records=None):
    """Labels (int64, n) and pixels (uint8, n x 3072) of one CIFAR-10 binary file."""
    if not os.path.isfile(path):
        raise DataError(f"missing file {path}; expected {CIFAR_FORMAT}")
    size = os.path.getsize(path)
    if size == 0 or size % CIFAR_RECORD_BYTES != 0:
        raise DataError(f"{path} has {size:,} bytes, which is not a positive multiple of "
                        f"{CIFAR_RECORD_BYTES}; expected {CIFAR_FORMAT}")
    records = size // CIFAR_RECORD_BYTES
    if max_records is not None:
        records = min(records, max_records)
    raw = np.fromfile(path, dtype=np.uint8, count=records * CIFAR_RECORD_BYTES)
    raw = raw.reshape(records, CIFAR_RECORD_BYTES)
    labels = raw[:, 0].astype(np.int64)
    bad = np.flatnonzero(labels >= NUM_CLASSES)
    if bad.size:
        raise DataError(f"{path}: record {bad[0]} has label byte {labels[bad[0]]}, outside "
                        f"0..{NUM_CLASSES - 1}; expected {CIFAR_FORMAT}")
    return labels, raw[:, 1:]


def load_cifar10(data_dir, train_limit):
    """The first train_limit training records and the whole test set, as uint8."""
    if not os.path.isdir(data_dir):
        raise DataError(f"data directory {data_dir} does not exist; expected a folder "
                        f"holding the {CIFAR_FORMAT}")
    labels, pixels, remaining = [], [], train_limit
    for name in CIFAR_TRAIN_FILES:
        if remaining <= 0:
            break
        y, x = read_cifar_file(os.path.join(data_dir, name), remaining)
        labels.append(y)
        pixels.append(x)
        remaining -= len(y)
    if remaining > 0:
        raise DataError(f"--train-limit {train_limit} exceeds the {train_limit - remaining:,} "
                        f"training records in {', '.join(CIFAR_TRAIN_FILES)} under {data_dir}")
    test_y, test_x = read_cifar_file(os.path.join(data_dir, CIFAR_TEST_FILE))
    return np.concatenate(labels), np.concatenate(pixels), test_y, test_x


def channel_statistics(train_pixels):
    """Per-channel mean and population std (ddof=0) of byte/255, in float64."""
    planes = train_pixels.reshape(-1, 3, 32 * 32)
    mean, std = np.empty(3), np.empty(3)
    for c in range(3):
        plane = planes[:, c, :].astype(np.float64) / 255.0
        mean[c], std[c] = plane.mean(), plane.std(ddof=0)
    return mean, std


def normalise(pixels, mean, std):
    """uint8 n x 3072 (or n x 3 x S x S) -> float32 tensor n x 3 x 32 x 32 (x S x S) of (byte/255 - mean) / std."""
    planes = pixels if pixels.ndim == 4 else pixels.reshape(-1, 3, 32, 32)
    out = np.empty(planes.shape, dtype=np.float32)
    for c in range(3):
        out[:, c] = (planes[:, c].astype(np.float64) / 255.0 - mean[c]) / std[c]
    return torch.from_numpy(out)


def augment(images, rng=np.random):
    """Zero-pad 4, random 32x32 crop, horizontal flip with p = 0.5, per image.

    One gather for the whole batch: output pixel (b, c, i, j) is padded pixel
    (b, c, oy[b] + i, ox[b] + j), or (b, c, oy[b] + i, ox[b] + 31 - j) if flipped.
    """
    n, _, h, w = images.shape
    padded = F.pad(images, (TRAIN_PAD, TRAIN_PAD, TRAIN_PAD, TRAIN_PAD))
    offsets = torch.from_numpy(rng.randint(0, 2 * TRAIN_PAD + 1, size=(n, 2)))
    flips = torch.from_numpy(rng.random_sample(n) < 0.5)
    rows = offsets[:, 0:1] + torch.arange(h)                               # n x h
    cols = offsets[:, 1:2] + torch.where(flips[:, None], torch.arange(w - 1, -1, -1),
                                         torch.arange(w))                  # n x w
    return padded[torch.arange(n)[:, None, None, None],
                  torch.arange(images.shape[1])[None, :, None, None],
                  rows[:, None, :, None],
                  cols[:, None, None, :]]


def build_training_model():
    model = build_model("resnet20")
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    return model  # nn.Linear keeps PyTorch's default initialisation


def parameter_groups(model):
    """Weight decay on conv and linear weights; none on BatchNorm and biases."""
    decay, no_decay = [], []
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            decay.append(m.weight)
            if m.bias is not None:
                no_decay.append(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            no_decay.extend([m.weight, m.bias])
    assert len(decay) + len(no_decay) == len(list(model.parameters()))
    return [{"params": decay, "weight_decay": TRAIN_WEIGHT_DECAY},
            {"params": no_decay, "weight_decay": 0.0}]


def learning_rate(step, total_steps):
    """Linear warm-up 0.01 -> 0.1 over round(0.15 * total), then cosine 0.1 -> 1e-4."""
    warmup = round(TRAIN_WARMUP_FRACTION * total_steps)
    if step < warmup:
        return TRAIN_LR_START + (TRAIN_LR_PEAK - TRAIN_LR_START) * step / max(warmup - 1, 1)
    progress = min((step - warmup) / max(total_steps - warmup - 1, 1), 1.0)
    return TRAIN_LR_END + (TRAIN_LR_PEAK - TRAIN_LR_END) * (1 + math.cos(math.pi * progress)) / 2


def evaluate(model, images, labels):
    model.eval()
    correct = 0
    with torch.inference_mode():
        for i in range(0, len(images), EVAL_BATCH_SIZE):
            logits = model(images[i:i + EVAL_BATCH_SIZE])
            correct += (logits.argmax(1) == labels[i:i + EVAL_BATCH_SIZE]).sum().item()
    return correct / len(images)


def train_one_seed(seed, data, epochs, batch_size):
    train_x, train_y, test_x, test_y = data
    start = time.perf_counter()
    torch.manual_seed(seed)
    np.random.seed(seed)
    model = build_training_model()
    optimizer = torch.optim.SGD(parameter_groups(model), lr=TRAIN_LR_START,
                                momentum=TRAIN_MOMENTUM, nesterov=True)
    n = len(train_x)
    steps_per_epoch = -(-n // batch_size)  # last partial batch kept
    total_steps = epochs * steps_per_epoch
    step, accuracies, epoch_loss = 0, [], float("nan")
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        model.train()
        order = torch.from_numpy(np.random.permutation(n))
        losses = []
        for i in range(0, n, batch_size):
            index = order[i:i + batch_size]
            images, labels = augment(train_x[index]), train_y[index]
            lr = learning_rate(step, total_steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            step += 1
        epoch_loss = sum(losses) / len(losses)
        accuracy = evaluate(model, test_x, test_y)
        accuracies.append(accuracy)
        print(f"seed {seed} epoch {epoch:>3}/{epochs}  train loss {epoch_loss:.4f}  "
              f"test accuracy {accuracy:.4f}  lr {lr:.6f}  "
              f"{time.perf_counter() - epoch_start:.1f} s", file=sys.stderr, flush=True)
    return {
        "framework": "pytorch",
        "torch_version": torch.__version__,
        "mode": "train",
        "model": "resnet20",
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "train_images": n,
        "final_train_loss": epoch_loss,
        "final_test_accuracy": accuracies[-1],
        "best_test_accuracy": max(accuracies),
        "wall_seconds": round(time.perf_counter() - start, 2),
    }


def parse_seeds(text):
    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    if not seeds:
        raise argparse.ArgumentTypeError("expected at least one seed")
    return seeds


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def parse_train_args(argv):
    parser = argparse.ArgumentParser(
        prog=f"{os.path.basename(sys.argv[0])} train",
        description="Train ResNet-20 on a CIFAR-10 subset with the fixed reference recipe "
                    "(see the module docstring) and report test accuracy.",
        epilog="example: python3 Benchmarks/pytorch_reference.py train "
               "--data-dir ../shared/datasets/cifar10/cifar-10-batches-bin --seeds 0,1 --json",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--data-dir", required=True,
                        help="folder with CIFAR-10 binary data_batch_*.bin and test_batch.bin")
    parser.add_argument("--seeds", type=parse_seeds, default="0",
                        help="comma-separated seeds, one training run each")
    parser.add_argument("--epochs", type=positive_int, default=10, help="training epochs")
    parser.add_argument("--train-limit", type=positive_int, default=10_000,
                        help="training images: the first N records of data_batch_1.bin, 2, ...")
    parser.add_argument("--batch-size", type=positive_int, default=TRAIN_BATCH_SIZE,
                        help="training batch size (the recipe uses 128)")
    parser.add_argument("--threads", type=positive_int, default=2, help="torch intra-op threads")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per seed instead of a summary")
    return parser.parse_args(argv)


def train_main(argv):
    args = parse_train_args(argv)
    try:
        train_y, train_pixels, test_y, test_pixels = load_cifar10(args.data_dir, args.train_limit)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    mean, std = channel_statistics(train_pixels)
    data = (normalise(train_pixels, mean, std), torch.from_numpy(train_y),
            normalise(test_pixels, mean, std), torch.from_numpy(test_y))
    print(f"PyTorch {torch.__version__}, threads {args.threads}, {len(train_y)} training and "
          f"{len(test_y)} test images; channel mean {np.round(mean, 4).tolist()}, "
          f"std {np.round(std, 4).tolist()}", file=sys.stderr, flush=True)
    results = []
    for seed in args.seeds:
        r = train_one_seed(seed, data, args.epochs, args.batch_size)
        results.append(r)
        if args.json:
            print(json.dumps(r), flush=True)
    mean_final = sum(r["final_test_accuracy"] for r in results) / len(results)
    if not args.json:
        print(f"PyTorch {torch.__version__} ResNet-20, {args.epochs} epochs, batch "
              f"{args.batch_size}, {len(train_y)} training images, threads {args.threads}")
        print(f"{'seed':>6} {'final loss':>11} {'final acc':>10} {'best acc':>10} {'seconds':>9}")
        for r in results:
            print(f"{r['seed']:>6} {r['final_train_loss']:>11.4f} "
                  f"{r['final_test_accuracy']:>10.4f} {r['best_test_accuracy']:>10.4f} "
                  f"{r['wall_seconds']:>9.1f}")
        print(f"mean final test accuracy over {len(results)} seed(s): {mean_final:.4f}")
    print(f"mean final test accuracy over {len(results)} seed(s) "
          f"{','.join(str(r['seed']) for r in results)}: {mean_final:.4f}",
          file=sys.stderr, flush=True)
    return 0


# ---------------------------------------------------------------------------
# Command line: `train`, or the throughput benchmark (default, or `bench`).
# ---------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        usage="%(prog)s [bench] [options]  |  %(prog)s train --data-dir DIR [options]",
        description="PyTorch CPU training/inference throughput reference "
                    "(random CIFAR-shaped data, images per second). This is the default "
                    "mode, also spelt `bench`; `train` trains ResNet-20 on CIFAR-10 "
                    "(see `%(prog)s train --help`).",
        epilog="example: python3 Benchmarks/pytorch_reference.py "
               "--models mlp,lenet5,resnet8,resnet20,resnet56 --batch-size 128 --json",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS),
                        help="comma-separated list of: " + ", ".join(VALID_MODELS))
    parser.add_argument("--batch-size", type=int, default=128, help="images per step")
    parser.add_argument("--image-size", type=int, default=32,
                        help="side of the square random images (resnet18/34 take the ImageNet stem above 32)")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--warmup-steps", type=int, default=3, help="untimed steps first")
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per model instead of a table")
    parser.add_argument("--channels-last", action="store_true",
                        help="model and input in channels_last (NHWC), PyTorch's fastest fp32 CPU layout")
    parser.add_argument("--bf16", action="store_true",
                        help="bfloat16 autocast for forward and backward (implies --channels-last)")
    parser.add_argument("--self-check", action="store_true",
                        help="only build each model and verify its parameter count")
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["train"]:
        return train_main(argv[1:])
    if argv[:1] == ["bench"]:
        argv = argv[1:]
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
        layout = "channels_last" if args.channels_last or args.bf16 else "NCHW"
        print(f"PyTorch {torch.__version__}, batch {args.batch_size}, threads {args.threads}, "
              f"{layout}, {'bf16 autocast' if args.bf16 else 'fp32'}")
        print(f"{'model':<10} {'parameters':>12} {'train img/s':>13} {'infer img/s':>13}")
    for name in models:
        r = benchmark(name, args.batch_size, args.threads, args.warmup_steps, args.steps,
                      channels_last=args.channels_last or args.bf16, bf16=args.bf16, image_size=args.image_size)
        if args.json:
            print(json.dumps(r), flush=True)
        else:
            print(f"{name:<10} {r['parameters']:>12,} {r['train_images_per_second']:>13.1f} "
                  f"{r['inference_images_per_second']:>13.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
