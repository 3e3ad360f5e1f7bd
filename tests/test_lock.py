"""The lock files agree with pyproject.toml: every dependency it names is pinned, by hash, at a
version its bounds admit (a dependency added or re-bounded without `make lock` fails here)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", re.M)


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(package): version for package, version in PIN.findall(text)}


def _unpinned_or_out_of_bounds(requirements: list[str], pins: dict[str, str]) -> list[str]:
    wrong = []
    for line in requirements:
        requirement = Requirement(line)
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{requirement} (locked: {version})")
    return wrong


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("base.txt", []), ("dev.txt", ["dev"])],
)
def test_every_dependency_is_locked_within_its_bounds(lock: str, extras: list[str]) -> None:
    requirements = list(PROJECT["dependencies"])
    for extra in extras:
        requirements += PROJECT["optional-dependencies"][extra]
    assert _unpinned_or_out_of_bounds(requirements, _pins(lock)) == []


@pytest.mark.parametrize("lock", ["base.txt", "dev.txt"])
def test_every_locked_version_carries_its_hashes(lock: str) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements" / lock).read_text())
    pinned = [e for e in entries if PIN.match(e)]
    assert len(pinned) > 100
    assert [e.split()[0] for e in pinned if "--hash=sha256:" not in e] == []


def test_the_default_install_has_no_pytorch() -> None:
    pins = _pins("base.txt") | _pins("dev.txt")
    assert {"torch", "sentence-transformers", "transformers", "langchain"} & set(pins) == set()
