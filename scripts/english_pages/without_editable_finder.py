"""Run a script with the editable install's import finder removed.

The virtual environment's editable install maps the project's packages to this checkout; an
older revision in a worktree must import its own modules only (compare.sh puts it on PYTHONPATH).
"""

import runpy
import sys

sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
