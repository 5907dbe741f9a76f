#!/usr/bin/env python3
"""Runs every `$ command` in README.md's ```console blocks and compares what it prints with the
lines shown under it (Date headers and line-end whitespace ignored). Needs a server on
127.0.0.1:8080: `make readme-check` starts one. Prints one line per example and a total."""
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text().splitlines()


def examples():
    in_block = False
    command, expected = None, []
    for line in readme:
        if line.startswith("```console"):
            in_block = True
            continue
        if in_block and line.startswith("```"):
            if command is not None:
                yield command, expected
            in_block, command, expected = False, None, []
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            if command is not None:
                yield command, expected
            command, expected = line[2:], []
        elif command is not None:
            expected.append(line)


def normalize(lines):
    kept = [line.rstrip() for line in lines if not line.startswith("Date: ")]
    while kept and kept[-1] == "":
        kept.pop()
    return kept


passed = failed = 0
for command, expected in examples():
    result = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, timeout=30)
    actual = normalize(result.stdout.decode("utf-8", "replace").replace("\r\n", "\n").split("\n"))
    ok = result.returncode == 0 and (not expected or actual == normalize(expected))
    if ok:
        passed += 1
        print(f"ok    {command}")
    else:
        failed += 1
        print(f"FAIL  {command}  (exit {result.returncode})")
        for line in normalize(expected):
            print(f"        expected | {line}")
        for line in actual:
            print(f"        actual   | {line}")
print(f"readme: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
