#!/usr/bin/env python3
"""Check a ParamShare model in PyTorch: same weights, same images, same logits.

    swift run -c release sweep export CHECKPOINT --dense dense.safetensors
    swift run -c release sweep eval CHECKPOINT --data-dir DIR --dump-logits logits.csv
    python3 Benchmarks/crosscheck.py dense.safetensors logits.csv --data-dir DIR

It loads the dense export into the reference model of pytorch_reference.py (the architecture
named in the export's metadata, at the image size it was trained at), evaluates the test set
normalised with the mean and standard deviation the checkpoint recorded, and compares every
logit with ParamShare's. It exits with status 1 when the largest absolute difference exceeds
--tolerance (1e-4) or the accuracies differ, and 2 when an input is unusable. Needs torch,
numpy and safetensors, and Pillow for image folders.

The test set is CIFAR-10's test_batch.bin for a cifar10 run, and for a run on an image folder
(dataset folder-S) the folder's val/ (or test/) images in torchvision's order, decoded by Pillow
and brought to S x S as evaluation does: the shorter side scaled to S*8//7, then the centre S x S.
Pillow's scaling rounds in 8-bit fixed point and ParamShare's once in Double, so a scaled pixel
may differ by one level; images whose side is already S*8//7 (make_crosscheck_folder.py writes
such folders) are only cropped, and compare exactly.

With --bf16 it evaluates under PyTorch's bf16 autocast instead, to compare with
`sweep eval --precision bf16 --dump-logits`. The two compute different bf16 numerics (autocast
also stores each layer's output in bf16; ParamShare rounds only what enters a product), so
it reports the difference and both accuracies and checks nothing: it exits with 0.
"""

import argparse
import csv
import json
import os
import sys

import numpy as np
import torch
from safetensors import safe_open

EVALUATION_FOLDERS = ("val", "test")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_reference as reference  # noqa: E402


def fail(message):
    print(f"crosscheck: {message}", file=sys.stderr)
    sys.exit(2)


def load_export(path):
    """The export's tensors (as torch tensors) and its metadata."""
    if not os.path.isfile(path):
        fail(f"no file {path}; write it with `sweep export CHECKPOINT --dense {path}`")
    with safe_open(path, "pt") as export:
        metadata = export.metadata() or {}
        tensors = {name: export.get_tensor(name) for name in export.keys()}
    if metadata.get("layout") != "pytorch-dense":
        fail(f"{path} is not a dense export (its layout is {metadata.get('layout')!r}); "
             "write it with `sweep export CHECKPOINT --dense OUT`")
    return tensors, metadata


def load_logits(path):
    """ParamShare's labels and logits, in test-set order."""
    if not os.path.isfile(path):
        fail(f"no file {path}; write it with `sweep eval CHECKPOINT --dump-logits {path}`")
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0][:2] != ["image", "label"]:
        fail(f"{path} is not a logits table written by `sweep eval --dump-logits`")
    body = np.array([[float(value) for value in row] for row in rows[1:]])
    return body[:, 1].astype(np.int64), body[:, 2:].astype(np.float32)


def read_image_folder(data_dir, image_size):
    """Labels (int64, n) and evaluation views (uint8, n x 3 x S x S) of DIR/val (or DIR/test):
    classes by code point, each class's files as torchvision's sorted(os.walk(...)) lists them."""
    from PIL import Image

    folder = next((os.path.join(data_dir, name) for name in EVALUATION_FOLDERS
                   if os.path.isdir(os.path.join(data_dir, name))), None)
    if folder is None:
        fail(f"{data_dir} has no val/ or test/ folder; pass the image folder the run was trained on")
    classes = sorted(entry for entry in os.listdir(folder) if os.path.isdir(os.path.join(folder, entry)))
    shorter = image_size * 8 // 7
    labels, views, rescaled = [], [], 0
    for label, name in enumerate(classes):
        for root, _, files in sorted(os.walk(os.path.join(folder, name), followlinks=True)):
            for file in sorted(files):
                with Image.open(os.path.join(root, file)) as image:
                    image = image.convert("RGB")
                    width, height = image.size
                    # torchvision's Resize(shorter) and CenterCrop(image_size).
                    if width <= height:
                        size = (shorter, int(shorter * height / width))
                    else:
                        size = (int(shorter * width / height), shorter)
                    rescaled += size != image.size
                    image = image.resize(size, Image.BILINEAR)
                    left, top = round((size[0] - image_size) / 2), round((size[1] - image_size) / 2)
                    view = np.asarray(image.crop((left, top, left + image_size, top + image_size)))
                labels.append(label)
                views.append(view.transpose(2, 0, 1))
    if rescaled:
        print(f"crosscheck: {rescaled} of {len(views)} images were scaled by Pillow, whose rounding may differ from "
              f"ParamShare's by one level; images of side {shorter} compare exactly", file=sys.stderr)
    return np.array(labels, dtype=np.int64), np.stack(views)


def test_images(metadata, data_dir):
    """The test set's labels and pixels, and the side of its images."""
    dataset = metadata.get("dataset", "")
    if dataset == "cifar10":
        return (*reference.read_cifar_file(os.path.join(data_dir, reference.CIFAR_TEST_FILE)), 32)
    if dataset.startswith("folder-") and dataset[len("folder-"):].isdigit():
        image_size = int(dataset[len("folder-"):])
        return (*read_image_folder(data_dir, image_size), image_size)
    fail(f"the export was trained on {dataset!r}; the reference reads cifar10 and image folders (folder-S)")


def reference_logits(tensors, metadata, data_dir, bf16=False):
    """The reference model's logits on the test set, with the checkpoint's normalisation, under
    bf16 autocast if asked."""
    name = metadata["model"]
    if name not in reference.EXPECTED_PARAMETERS:
        fail(f"the reference has no model {name!r}; it builds " + ", ".join(reference.EXPECTED_PARAMETERS))
    labels, pixels, image_size = test_images(metadata, data_dir)
    model = reference.build_model(name, image_size=image_size)
    result = model.load_state_dict(tensors, strict=False)
    missing = [key for key in result.missing_keys if not key.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        fail(f"the export does not fit {name}: missing {missing}, unexpected {result.unexpected_keys}")
    model.eval()
    mean = np.array([float(v) for v in metadata["normalization_mean"].split(",")])
    std = np.array([float(v) for v in metadata["normalization_std"].split(",")])
    images = reference.normalise(pixels, mean, std)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits = torch.cat([model(images[i:i + 500]).float() for i in range(0, len(images), 500)])
    return labels, logits.numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="dense.safetensors written by `sweep export`")
    parser.add_argument("logits", help="logits.csv written by `sweep eval --dump-logits`")
    parser.add_argument("--data-dir", required=True, help="folder holding test_batch.bin, or the image folder (train/, val/)")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--bf16", action="store_true",
                        help="evaluate under bf16 autocast and report, without checking (see above)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    tensors, metadata = load_export(args.export)
    ours_labels, ours = load_logits(args.logits)
    try:
        labels, theirs = reference_logits(tensors, metadata, args.data_dir, bf16=args.bf16)
    except reference.DataError as error:
        fail(str(error))
    if ours.shape != theirs.shape or not np.array_equal(ours_labels, labels):
        fail(f"the logits table holds {ours.shape} for other images than the test set's {theirs.shape}")
    difference = float(np.abs(ours - theirs).max())
    accuracy_ours = float((ours.argmax(1) == labels).mean())
    accuracy_theirs = float((theirs.argmax(1) == labels).mean())
    agrees = difference <= args.tolerance and accuracy_ours == accuracy_theirs
    result = {"model": metadata["model"], "generator": metadata.get("generator"), "budget": metadata.get("budget", "full"),
              "precision": "bf16" if args.bf16 else "fp32", "images": len(labels), "max_abs_logit_difference": difference,
              "mean_abs_logit_difference": float(np.abs(ours - theirs).mean()),
              # What the difference is measured against: float32 spacing at the largest logit is about 1.2e-7 of it.
              "max_abs_logit": float(np.abs(theirs).max()),
              "same_prediction": float((ours.argmax(1) == theirs.argmax(1)).mean()),
              "accuracy_paramshare": accuracy_ours, "accuracy_pytorch": accuracy_theirs,
              "agrees": None if args.bf16 else agrees}
    if args.json:
        print(json.dumps(result))
    else:
        verdict = "bf16: reported, not checked" if args.bf16 else ("agree" if agrees else "DISAGREE")
        print(f"{result['model']} {result['generator']} {result['budget']} {result['precision']}: {len(labels)} images, "
              f"max |logit difference| {difference:.3g} (mean {result['mean_abs_logit_difference']:.3g}; "
              f"largest |logit| {result['max_abs_logit']:.3g}), "
              f"same prediction for {result['same_prediction']:.4f}, accuracy {accuracy_ours:.4f} (ParamShare) "
              f"vs {accuracy_theirs:.4f} (PyTorch): {verdict}")
    return 0 if args.bf16 or agrees else 1


if __name__ == "__main__":
    sys.exit(main())
