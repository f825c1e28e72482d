#!/usr/bin/env python3
"""The layer rule of docs/architecture.md, checked: every source and header
lives in a layer folder (src/LAYER/, include/pawproj/LAYER/), and includes
only headers of its own layer or of lower ones. Prints each violation and
exits 1 if there is one. Usage: check_layers.py [REPO]"""
import os
import re
import sys

ORDER = ["core", "model", "par", "io", "paw", "analysis", "cli"]
RANK = {layer: i for i, layer in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"pawproj/([^"]+)"', re.M)


def files(repo):
    for top in ("src", os.path.join("include", "pawproj")):
        for dirpath, _, names in os.walk(os.path.join(repo, top)):
            for name in names:
                if name.endswith((".c", ".h")):
                    yield top, os.path.relpath(os.path.join(dirpath, name), os.path.join(repo, top))


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bad = []
    checked = 0
    for top, rel in files(repo):
        parts = rel.split(os.sep)
        if len(parts) != 2 or parts[0] not in RANK:
            bad.append("%s/%s: not in a layer folder (%s)" % (top, rel, ", ".join(ORDER)))
            continue
        own = parts[0]
        text = open(os.path.join(repo, top, rel), encoding="utf-8").read()
        for inc in INCLUDE.findall(text):
            checked += 1
            layer = inc.split("/")[0]
            if layer not in RANK:
                bad.append("%s/%s: includes pawproj/%s, which is in no layer" % (top, rel, inc))
            elif RANK[layer] > RANK[own]:
                bad.append("%s/%s (%s) includes pawproj/%s: %s is above %s" % (top, rel, own, inc, layer, own))
    for b in bad:
        print("FAIL: layers: " + b)
    ok = checked > 100 and not bad
    if checked <= 100:
        print("FAIL: layers: only %d includes found; is this the repository?" % checked)
    print("layers: %d passed, %d failed (%d includes checked)" % (1 if ok else 0, len(bad) + (checked <= 100), checked))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
