"""Four figures on the project's own code (not migrations, not tests):

lines in the longest file, files over 400 lines, functions over 60 lines, imports inside
functions. `python scripts/code_figures.py [--list] [DIR]`; --list names the files and functions.
"""

import ast
import sys
from pathlib import Path

from count_local_imports import local_imports, project_packages

FILE_LIMIT = 400
FUNCTION_LIMIT = 60


def source_files(root: Path):
    for package in project_packages(root):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts and "tests" not in path.parts:
                yield path


def long_functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > FUNCTION_LIMIT:
                yield node.name, node.lineno, length


def main(argv: list[str]) -> int:
    listing = "--list" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    sizes, long_files, functions, imports, own = {}, [], [], 0, 0
    for path in source_files(root):
        name = str(path.relative_to(root))
        sizes[name] = len(path.read_text(encoding="utf-8").splitlines())
        if sizes[name] > FILE_LIMIT:
            long_files.append(name)
        functions += [(name, *f) for f in long_functions(path)]
        found = local_imports(path)
        imports += len(found)
        own += sum(first_party for _line, _commented, first_party in found)
    longest = max(sizes, key=sizes.get)
    print(f"longest file: {sizes[longest]} lines ({longest})")
    print(f"files over {FILE_LIMIT} lines: {len(long_files)}")
    if listing:
        for name in long_files:
            print(f"  {name}: {sizes[name]}")
    print(f"functions over {FUNCTION_LIMIT} lines: {len(functions)}")
    if listing:
        for name, function, line, length in functions:
            print(f"  {name}:{line} {function}: {length}")
    print(f"imports inside functions: {imports} ({own} of the project's own modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
