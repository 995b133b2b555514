"""Print the difference between two crawls of the English pages (see compare.sh)."""

import difflib
import json
import sys


def load(path: str) -> dict[str, list[str]]:
    with open(path) as f:
        return json.load(f)


old, new = load(sys.argv[1]), load(sys.argv[2])
changed = 0
for url in sorted(set(old) | set(new)):
    if url not in new or url not in old:
        print(f"only in {'old' if url in old else 'new'}: {url}")
        changed += 1
        continue
    if old[url] != new[url]:
        changed += 1
        print(f"== {url}")
        for line in difflib.unified_diff(old[url], new[url], lineterm="", n=0):
            if not line.startswith(("---", "+++", "@@")):
                print("  ", line[:200])
print(f"{len(set(old) | set(new))} pages, {changed} with a difference")
