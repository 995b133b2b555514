#!/usr/bin/env bash
# Compare the English public pages of the demo at an older revision with the working tree.
# Usage: scripts/english_pages/compare.sh REV [CLOCK]
# Both demos are built at the same faked moment (faketime, Debian), each in its own SQLite file;
# the older revision runs from a git worktree with this checkout's virtual environment.
set -euo pipefail
rev=$1
clock=${2:-$(date -u +'%Y-%m-%d 01:00:00')}
here=$(cd "$(dirname "$0")/../.." && pwd)
py="$here/.venv/bin/python $here/scripts/english_pages/without_editable_finder.py"
work=$(mktemp -d)
git -C "$here" worktree add -q --detach "$work/old" "$rev"
trap 'git -C "$here" worktree remove --force "$work/old"; rm -rf "$work"' EXIT
crawl() {  # dir name
  (cd "$1" && export DATABASE_URL="sqlite:///$work/$2.sqlite3" PYTHONPATH="$1" &&
    faketime "$clock" $py manage.py compile_catalogues >/dev/null &&
    faketime "$clock" $py manage.py migrate -v0 &&
    faketime "$clock" $py manage.py createcachetable &&
    faketime "$clock" $py manage.py seed_demo >"$work/$2.seed.log" 2>&1 &&
    faketime "$clock" $py "$here/scripts/english_pages/crawl.py" "$work/$2.json")
}
crawl "$work/old" old
crawl "$here" new
"$here/.venv/bin/python" "$here/scripts/english_pages/diff.py" "$work/old.json" "$work/new.json"
