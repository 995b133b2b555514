"""Print how many imports stand inside functions in the project's own code (not migrations).

`python scripts/count_local_imports.py [--list] [DIR]`: the numbers (all, and those of the
project's own modules, which are the ones that hide import circles); with --list, each one as
path:line, marked "(commented)" where a comment on the line or just above it says why.
"""

import ast
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def project_packages(root: Path = ROOT) -> list[str]:
    """The local apps' top-level packages, read from that checkout's settings/local_apps.py (the
    list INSTALLED_APPS starts with), so no app is left out of the figures."""
    return runpy.run_path(str(root / "dxcenter" / "settings" / "local_apps.py"))["local_packages"]()


PACKAGES = tuple(project_packages())


def python_files(root: Path):
    for package in project_packages(root):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def local_imports(path: Path):
    """(line, commented, first_party) for each import statement inside a function body."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []

    def commented(node) -> bool:
        """A comment on the line, or above it and the imports just before it."""
        if "#" in lines[node.lineno - 1]:
            return True
        number = node.lineno - 2
        while number >= 0:
            above = lines[number].strip()
            if above.startswith("#"):
                return True
            if not above or not (
                above.startswith(("from ", "import ", ")")) or above.endswith(",")
            ):
                return False
            number -= 1
        return False

    def first_party(node) -> bool:
        if isinstance(node, ast.ImportFrom):
            return node.level > 0 or (node.module or "").split(".")[0] in PACKAGES
        return any(alias.name.split(".")[0] in PACKAGES for alias in node.names)

    def visit(node, inside: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and inside:
                found.append((child.lineno, commented(child), first_party(child)))
            is_function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inside or is_function)

    visit(ast.parse(source), False)
    return found


def main(argv: list[str]) -> int:
    listing = "--list" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    total = own = 0
    for path in python_files(root):
        for line, commented, first_party in local_imports(path):
            total += 1
            own += first_party
            if listing:
                mark = " (commented)" if commented else ""
                print(f"{path.relative_to(root)}:{line}{mark}")
    print(f"{total} imports inside functions, {own} of them of the project's own modules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
