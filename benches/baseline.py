#!/usr/bin/env python3
"""The baseline a researcher would write: Python's `re`, one pass over each
document per pattern, counting matches per document and pattern.

usage: baseline.py PATTERNS_FILE CORPUS_DIR > counts.csv

PATTERNS_FILE is `revlens rules list --patterns` (one regex per line). Rust
regex spellings Python does not know are translated: `(?-u:\\w)` and
`(?-u:\\b)` become `\\w` and `\\b`. A pattern Python still cannot compile is
reported on stderr and left out (the count of those is printed at the end).
"""
import csv
import os
import re
import sys


def translate(pattern):
    return pattern.replace(r"(?-u:\w)", r"\w").replace(r"(?-u:\b)", r"\b")


def main():
    patterns_file, corpus = sys.argv[1], sys.argv[2]
    compiled, refused = [], 0
    with open(patterns_file, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                compiled.append(re.compile(translate(line)))
            except re.error as e:
                refused += 1
                print(f"skipped {line!r}: {e}", file=sys.stderr)
    out = csv.writer(sys.stdout)
    out.writerow(["document", "pattern", "matches"])
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith((".txt", ".md")):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for i, p in enumerate(compiled):
                n = sum(1 for _ in p.finditer(text))
                if n:
                    out.writerow([path, i, n])
    print(f"{len(compiled)} patterns run, {refused} skipped", file=sys.stderr)


if __name__ == "__main__":
    main()
