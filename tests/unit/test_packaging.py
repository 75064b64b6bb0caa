"""Packaging: environment.yml mirrors pyproject.toml, and the package ships its template data."""

from __future__ import annotations

import re
import tomllib

import yaml

from pmqa_lib.core.files import PROJECT_ROOT


def _requirement(text: str) -> tuple[str, str]:
    """``"pandas>=2.2,<4"`` -> ``("pandas", ">=2.2,<4")`` (names compared case-insensitively)."""
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", text)
    assert m, text
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict:
    with open(PROJECT_ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def test_environment_yml_mirrors_pyproject():
    project = _pyproject()["project"]
    wanted = dict(_requirement(r) for r in project["dependencies"])
    wanted.update(_requirement(r) for r in project["optional-dependencies"]["dev"])
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
        else:
            conda.update([_requirement(dep)])
    python = conda.pop("python")
    assert python == project["requires-python"].replace(" ", "")
    conda.pop("pip")
    mirrored = dict(conda)
    mirrored.update(_requirement(p) for p in pip if not p.startswith("-e"))
    assert mirrored == wanted
    assert "-e ." in pip  # pmqa itself, editable, as make setup installs it


def test_pyproject_license_and_template_data():
    cfg = _pyproject()
    assert cfg["project"]["license"] == "MIT"
    assert (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data = cfg["tool"]["setuptools"]["package-data"]["pmqa_lib.report"]
    templates = PROJECT_ROOT / "pmqa_lib" / "report" / "templates"
    shipped = {p for pattern in data for p in templates.parent.glob(pattern) if p.is_file()}
    assert {p.name for p in shipped} >= {"conf.json", "index.html.j2", "report.css"}


def test_the_manifest_of_public_files_is_package_data():
    """`make fetch-public` reads the manifest from the installed package, not from a checkout."""
    from pmqa_lib.public.manifest import MANIFEST_FILE

    data = _pyproject()["tool"]["setuptools"]["package-data"]["pmqa_lib.public"]
    shipped = {p for pattern in data for p in MANIFEST_FILE.parent.glob(pattern)}
    assert MANIFEST_FILE in shipped and MANIFEST_FILE.is_file()
