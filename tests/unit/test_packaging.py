"""The receipt-code table ships with the package: declared as package data, found through
importlib.resources, inside a built wheel, and missed loudly when it is not there."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "usms_tui"
DATA = "usms_tui/domain/data/receipt_codes.tsv"
FIND_IT = "from importlib import resources; print(resources.files('usms_tui.domain').joinpath('data/receipt_codes.tsv').is_file())"


def _package_data_globs() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [f"usms_tui/{glob}" for glob in config["tool"]["setuptools"]["package-data"]["usms_tui"]]


def test_every_data_file_of_the_package_is_declared_as_package_data():
    globs = _package_data_globs()
    files = [
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc", ".md") and "__pycache__" not in path.parts
    ]
    assert DATA in files
    assert [f for f in files if not any(fnmatch.fnmatch(f, g) for g in globs)] == []


def test_the_installed_package_finds_its_table():
    resource = resources.files("usms_tui.domain").joinpath("data/receipt_codes.tsv")
    assert resource.is_file() and resource.read_text(encoding="utf-8").startswith("# UCloud USMS receipt codes")


def _can_build_offline() -> bool:
    """The environment has the build backend pyproject asks for (no index is reached)."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for line in config["build-system"]["requires"]:
        requirement = Requirement(line)
        try:
            if not requirement.specifier.contains(version(requirement.name)):
                return False
        except PackageNotFoundError:
            return False
    return True


@pytest.mark.skipif(not _can_build_offline(), reason="the build backend pyproject.toml requires is not installed")
def test_pip_install_of_the_built_wheel_includes_the_table(tmp_path):
    # Built from a copy: a build without isolation writes build/ and egg-info into its source.
    source = tmp_path / "source"
    skip = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "tests", "bench", "screenshots")
    shutil.copytree(ROOT, source, ignore=skip)
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run([*build, "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("usms_tui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert DATA in archive.namelist()
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target)]
    done = subprocess.run([*install, str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    code = f"import usms_tui; print(usms_tui.__file__); {FIND_IT}"
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    where, found = out.stdout.split()
    assert where.startswith(str(target)) and found == "True"


def test_a_copy_without_the_data_file_fails_at_start_up_naming_it(tmp_path):
    copy = tmp_path / "usms_tui"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "domain" / "data" / "receipt_codes.tsv").unlink()
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "USMS_TUI_WATCHLIST": str(tmp_path / "w.json")}
    out = subprocess.run(
        [sys.executable, "-m", "usms_tui.cli.main", "list"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode == 2
    assert "receipt-code table" in out.stderr and "receipt_codes.tsv is missing" in out.stderr
    assert str(copy / "domain" / "data" / "receipt_codes.tsv") in out.stderr
    assert "Traceback" not in out.stderr
