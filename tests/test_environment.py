"""One list of pins: environment.yml (Binder) and requirements.txt (pip) agree."""

import json
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        assert len(requirement.specifier) == 1 and next(iter(requirement.specifier)).operator == "==", \
            f"{line!r} is not pinned with =="
        pins[(requirement.name, str(requirement.marker or ""))] = str(requirement.specifier)
    return pins


def _environment_yml_pip_list():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, "environment.yml must have exactly one pip: list"
    assert "python=3.11" in env["dependencies"] and "conda-forge" in env["channels"]
    return pip[0]


def test_environment_yml_and_requirements_pin_the_same_versions():
    from_pip = _pins((ROOT / "requirements.txt").read_text().splitlines())
    from_conda = _pins(_environment_yml_pip_list())
    assert from_conda == from_pip


def test_the_installed_packages_are_the_pinned_ones():
    from importlib.metadata import PackageNotFoundError, version

    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            raise AssertionError(f"{requirement.name} is pinned but not installed; run make setup")
        assert installed in requirement.specifier, f"{requirement.name} {installed} is not {requirement.specifier}"


def test_pyproject_reads_the_one_list():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'dependencies = { file = ["requirements.txt"] }' in text


def test_postbuild_is_executable_and_installs_helpers_without_deps():
    postbuild = ROOT / "postBuild"
    assert postbuild.stat().st_mode & 0o111
    assert "pip install --no-deps -e ." in postbuild.read_text()


def test_make_setup_registered_the_course_kernel_through_postbuild():
    """The kernel papermill, nbval and JupyterLab use: in .venv, with postBuild's memory setting."""
    kernel_json = ROOT / ".venv" / "share" / "jupyter" / "kernels" / "convnets-course" / "kernel.json"
    if not kernel_json.exists():
        pytest.fail(f"{kernel_json} is missing; run make setup")
    spec = json.loads(kernel_json.read_text())
    assert spec["display_name"] == "Python 3 (convnets course)"
    assert spec.get("env", {}).get("MALLOC_ARENA_MAX") == "2", "the kernel lacks postBuild's MALLOC_ARENA_MAX; run make setup"
    assert "--env MALLOC_ARENA_MAX 2" in (ROOT / "postBuild").read_text()
