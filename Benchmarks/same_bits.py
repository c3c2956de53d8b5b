#!/usr/bin/env python3
"""Do two builds of `sweep` train the paper regime's networks to the same bits on this CPU?

    python3 Benchmarks/same_bits.py OLD/.build/release/sweep NEW/.build/release/sweep \
        --data-dir ../shared/datasets/cifar10/cifar-10-batches-bin

A long study keeps one build for all its runs, because training is bit-reproducible only within
one build and one kind of CPU. Before a study moves to another build, this check trains the same
short grid with each (one after the other, never at once) and compares every run row and every
epoch row, column by column, except the times (`wall_seconds`, `seconds`). The grid covers what
`PaperRegime` trains, 15 runs of 2 epochs on 1,024 CIFAR-10 images (256 held out), bf16 unless
--precision says otherwise, one thread each:

  - ResNet-20 with rpg, hashing, pruned, width, projection and dense at 1 %, lr 0.4;
  - ResNet-56 dense and RPG at 267,264 (dense ResNet-20's generated weights), lr 0.1;
  - ResNet-20 RPG at 10 % with each setting of its permutation and signs, as naive sharing, and
    with a ring per layer and per stage, lr 0.1.

Exits with 0 when every row is the same, 1 when any differs (naming the first columns that do),
and 2 when an input is unusable. The tables are kept in --work (a new temporary folder by default).
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile

TIME_COLUMNS = {"wall_seconds", "seconds"}

COMMON = ["--dataset", "cifar10", "--train-limit", "1024", "--validation", "256", "--epochs", "2",
          "--batch-size", "128", "--weight-decay", "0.0005", "--threads", "1", "--jobs", "1", "--seeds", "0",
          "--no-analysis", "--quiet"]

GRID = [
    ["--models", "resnet20", "--generators", "rpg,hashing,pruned,width,projection,dense", "--budgets", "1%", "--lr", "0.4"],
    ["--models", "resnet56", "--generators", "rpg,dense", "--budgets", "267264", "--lr", "0.1"],
    ["--models", "resnet20", "--generators", "rpg", "--budgets", "10%", "--lr", "0.1",
     "--generator-option", "rpg.permutation=on,off", "--generator-option", "rpg.signs=on,off"],
    ["--models", "resnet20", "--generators", "rpg", "--budgets", "10%", "--lr", "0.1",
     "--generator-option", "rpg.variant=naive", "--generator-option", "rpg.permutation=off", "--generator-option", "rpg.signs=off"],
    ["--models", "resnet20", "--generators", "rpg", "--budgets", "10%", "--lr", "0.1", "--scope", "layer"],
    ["--models", "resnet20", "--generators", "rpg", "--budgets", "10%", "--lr", "0.1", "--scope", "stage"],
]


def fail(message):
    print(f"same_bits.py: {message}", file=sys.stderr)
    sys.exit(2)


def train(sweep, table, data_dir, precision):
    """Every run of the grid by `sweep`, appended to `table` (and its epoch table)."""
    for arguments in GRID:
        command = [sweep, "run", *COMMON, "--data-dir", data_dir, "--precision", precision, *arguments, "--out", table]
        print("  " + " ".join(command[1:]), flush=True)
        if subprocess.run(command).returncode != 0:
            fail(f"{sweep} failed on the command above; fix that first (its own message says why)")


def rows(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def differences(first, second):
    """Lines naming each row pair that differs outside the time columns, and the row counts."""
    found = []
    if len(first) != len(second):
        found.append(f"{len(first)} rows against {len(second)}")
    for index, (a, b) in enumerate(zip(first, second)):
        if set(a) != set(b):
            found.append(f"row {index + 1}: the columns differ ({sorted(set(a) ^ set(b))})")
            continue
        changed = [column for column in a if column not in TIME_COLUMNS and a[column] != b[column]]
        if changed:
            shown = ", ".join(f"{column} {a[column]} / {b[column]}" for column in changed[:4])
            found.append(f"row {index + 1} ({a.get('model')} {a.get('generator')} {a.get('budget')}): {shown}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", help="the sweep binary of one build")
    parser.add_argument("second", help="the sweep binary of the other build")
    parser.add_argument("--data-dir", required=True, help="the folder holding CIFAR-10's data_batch_1.bin … test_batch.bin")
    parser.add_argument("--precision", default="bf16", choices=["bf16", "fp32"], help="operand precision (default bf16, the regime's)")
    parser.add_argument("--work", help="folder for the two builds' tables (default: a new temporary folder)")
    options = parser.parse_args()
    for sweep in (options.first, options.second):
        if not (os.path.isfile(sweep) and os.access(sweep, os.X_OK)):
            fail(f"{sweep} is not an executable file; pass the sweep binary of a build, as .build/release/sweep")
    if not os.path.isfile(os.path.join(options.data_dir, "test_batch.bin")):
        fail(f"{options.data_dir} has no test_batch.bin; pass the folder of CIFAR-10's binary batches as --data-dir")
    work = options.work or tempfile.mkdtemp(prefix="same-bits-")
    os.makedirs(work, exist_ok=True)
    tables = [os.path.join(work, name + ".csv") for name in ("first", "second")]
    for table in tables + [t.replace(".csv", ".epochs.csv") for t in tables]:
        if os.path.exists(table):
            fail(f"{table} exists already; pass an empty --work folder, so that the tables hold this check's runs only")
    for sweep, table in zip((options.first, options.second), tables):
        print(f"{sweep}:", flush=True)
        train(sweep, table, options.data_dir, options.precision)
    found = []
    for suffix, what in ((".csv", "run"), (".epochs.csv", "epoch")):
        first, second = (rows(table.replace(".csv", suffix)) for table in tables)
        found += [f"{what} rows: {line}" for line in differences(first, second)]
        print(f"{len(first)} {what} rows compared")
    if found:
        print("the builds differ:\n  " + "\n  ".join(found))
        sys.exit(1)
    print(f"the same bits: every run and epoch row alike but the times (tables in {work})")


if __name__ == "__main__":
    main()
