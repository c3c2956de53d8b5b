#!/usr/bin/env python3
"""Write an image folder for crosscheck.py from CIFAR-10's binary batches.

    python3 Benchmarks/make_crosscheck_folder.py CIFAR_DIR OUT --image-size 64 --train 256 --val 200

OUT/train/<class>/k.png and OUT/val/<class>/k.png hold --train records of data_batch_1.bin and
--val of test_batch.bin, evenly spaced through each file (a file may be sorted by class), scaled
by Pillow to squares of side
S*8//7: the side evaluation scales an image's shorter side to before its centre S x S, so that
evaluation only crops them, and ParamShare and PyTorch see the same pixels (a scaled image may
differ by one level between the two: see crosscheck.py). PNG keeps them exact. Needs numpy and Pillow.
"""

import argparse
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_reference as reference  # noqa: E402

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def write_split(labels, pixels, folder, side):
    counts = [0] * len(CLASSES)
    for label, record in zip(labels, pixels):
        image = Image.fromarray(record.reshape(3, 32, 32).transpose(1, 2, 0)).resize((side, side), Image.BICUBIC)
        path = os.path.join(folder, CLASSES[label], f"{counts[label]:05d}.png")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        image.save(path)
        counts[label] += 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cifar_dir", help="folder holding data_batch_1.bin and test_batch.bin")
    parser.add_argument("out", help="the image folder to write (must not exist)")
    parser.add_argument("--image-size", type=int, required=True, help="the S the run will train at")
    parser.add_argument("--train", type=int, default=256)
    parser.add_argument("--val", type=int, default=200)
    args = parser.parse_args(argv)
    if os.path.exists(args.out):
        sys.exit(f"make_crosscheck_folder: {args.out} exists; name a new folder")
    side = args.image_size * 8 // 7
    def spaced(name, count):
        labels, pixels = reference.read_cifar_file(os.path.join(args.cifar_dir, name))
        chosen = np.linspace(0, len(labels) - 1, min(count, len(labels))).astype(np.int64)
        return labels[chosen], pixels[chosen]

    try:
        train, val = spaced("data_batch_1.bin", args.train), spaced(reference.CIFAR_TEST_FILE, args.val)
    except reference.DataError as error:
        sys.exit(f"make_crosscheck_folder: {error}")
    write_split(*train, os.path.join(args.out, "train"), side)
    write_split(*val, os.path.join(args.out, "val"), side)
    print(f"wrote {len(train[0])} training and {len(val[0])} validation images of {side}x{side} to {args.out}")


if __name__ == "__main__":
    main()
