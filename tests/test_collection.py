"""No app's tests, packages or figures can be forgotten by a hand-written list.

`testpaths` once named five apps and left out crm and appointments: their 52 tests never ran.
The local apps are listed once (dxcenter/settings/local_apps.py, the head of INSTALLED_APPS);
pytest collects the whole repository; these tests fail when an app, a `tests/` folder or a
test file is not collected, or when the lint configuration does not know a local package.
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from django.apps import apps
from django.conf import settings

from dxcenter.settings.local_apps import LOCAL_APPS, local_packages

# The collection runs in a subprocess, which does not follow --clock.
pytestmark = pytest.mark.not_clock

ROOT = Path(settings.BASE_DIR)
# Never the project's code: the virtualenv, the front-end tools, hidden folders, runtime data.
NOT_CODE = {"node_modules", "var", "media", "static", "staticfiles", "venv"}


def repository_dirs():
    """Every folder of the repository that can hold the project's code."""
    for directory, subdirs, _files in os.walk(ROOT):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in NOT_CODE)
        yield Path(directory)


def is_project_code(path: Path) -> bool:
    """A path in the repository's own code, not in a virtualenv or hidden folder inside it."""
    path = path.resolve()
    if not path.is_relative_to(ROOT):
        return False
    parts = path.relative_to(ROOT).parts
    return not any(part.startswith(".") or part in NOT_CODE for part in parts)


def test_every_installed_app_inside_the_repository_is_a_listed_local_app():
    # CI's virtualenv is ROOT/.venv: the packages installed in it are not the project's apps.
    inside = [
        config.name for config in apps.get_app_configs() if is_project_code(Path(config.path))
    ]
    assert sorted(inside) == sorted(LOCAL_APPS)
    packages = {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()} - {
        "tests"
    }
    assert packages == set(local_packages()), "a package at the root is not an installed app"


@pytest.fixture(scope="module")
def collected_files() -> set[Path]:
    """The files `pytest --collect-only` (no path: the configured testpaths) collects."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTEST_ADDOPTS": ""},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {
        (ROOT / line.split("::", 1)[0]).resolve()
        for line in result.stdout.splitlines()
        if "::" in line
    }


def test_pytest_collects_every_test_file_of_the_repository(collected_files):
    test_files = {
        path.resolve() for directory in repository_dirs() for path in directory.glob("test_*.py")
    }
    assert test_files, "no test file found"
    assert sorted(map(str, test_files - collected_files)) == []


def test_pytest_collects_every_tests_folder_and_every_local_app(collected_files):
    tests_folders = [d for d in repository_dirs() if d.name == "tests"]
    assert len(tests_folders) >= len(LOCAL_APPS)
    for folder in tests_folders:
        assert any(path.is_relative_to(folder.resolve()) for path in collected_files), folder
    for app in LOCAL_APPS:
        app_path = Path(apps.get_app_config(app.rsplit(".", 1)[-1]).path).resolve()
        assert any(path.is_relative_to(app_path) for path in collected_files), app


def test_import_linter_and_setuptools_know_every_local_package():
    import setuptools

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert set(tool["importlinter"]["root_packages"]) == set(local_packages())
    find = tool["setuptools"]["packages"]["find"]
    found = {name.split(".")[0] for name in setuptools.find_namespace_packages(str(ROOT), **find)}
    assert set(local_packages()) <= found
    # Each app's own tests, as before; the repository's cross-app tests/ are not installed.
    assert "crm.tests" in setuptools.find_namespace_packages(str(ROOT), **find)
    assert "tests" not in found


def test_ruff_sorts_every_local_package_as_first_party():
    """After django's section, each local package in the first-party section: ruff finds no
    import to move (a package ruff took for third-party would belong above django)."""
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed beside this Python")
    imports = "".join(f"import {package}\n" for package in sorted(local_packages()))
    source = f"import django\n\n{imports}"
    result = subprocess.run(
        [str(ruff), "check", "--select", "I", "--stdin-filename", "sample.py", "-"],
        cwd=ROOT,
        input=source,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"I001", result.stdout)
