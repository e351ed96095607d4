#!/usr/bin/env python3
"""The baseline for the replay benchmark: what a pexpect-style harness does,
applying the same patterns to each line with Python's re — every fail
pattern, then the awaited stage's pattern.

usage: baseline_replay.py PATTERNS_FILE LOG
PATTERNS_FILE: lines 'fail <regex>' and 'stage <name> <regex>'."""
import re
import sys


def main():
    fails, stages = [], []
    for line in open(sys.argv[1], encoding="utf-8"):
        kind, _, rest = line.rstrip("\n").partition(" ")
        if kind == "fail":
            fails.append(re.compile(rest.encode()))
        elif kind == "stage":
            name, _, regex = rest.partition(" ")
            stages.append((name, re.compile(regex.encode())))
    awaited = 0
    with open(sys.argv[2], "rb") as log:
        for line in log:
            line = line.rstrip(b"\r\n")
            for p in fails:
                if p.search(line):
                    print("fail:", p.pattern.decode(), "matched", line[:80])
                    return 1
            if awaited < len(stages) and stages[awaited][1].search(line):
                awaited += 1
    if awaited < len(stages):
        print("fail: end of log before stage", stages[awaited][0])
        return 1
    print("pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
