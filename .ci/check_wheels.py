"""Release check of built wheels: what every published wheel must hold before it can ship.

Usage: python .ci/check_wheels.py DIST_DIR
Checks each wheel for LICENSE, py.typed, one version (the wheel's equals the package's
__version__), requirements bounded on both sides, and CHANGELOG.md naming the version; the core
wheel must require httpx and pydantic only and ship nothing of the emulator. Prints one line per
check and exits 1 on any failure. With --requirements it prints instead every third-party
requirement of the wheels, one per line, for a lowest-direct install that names them directly.
"""

from __future__ import annotations

import re
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_RUNTIME = {"httpx", "pydantic"}
# a distribution that only gathers others holds no code, so it has no py.typed or __version__
META_PACKAGES = {"llama-index-openrouter-kit"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _metadata(wheel: zipfile.ZipFile) -> tuple[str, str, list[str]]:
    info = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    meta = Parser().parsestr(wheel.read(info).decode())
    return (
        meta["Name"].lower().replace("_", "-"),
        meta["Version"],
        meta.get_all("Requires-Dist") or [],
    )


def _bounded(requirement: str) -> bool:
    spec = requirement.split(";", 1)[0]
    return (">=" in spec or "~=" in spec or "==" in spec) and (
        "<" in spec or "~=" in spec or "==" in spec
    )


def check(dist: Path) -> list[tuple[bool, str]]:
    results: list[tuple[bool, str]] = []
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    wheels = sorted(dist.glob("*.whl"))
    results.append((bool(wheels), f"{len(wheels)} wheels in {dist}"))
    for path in wheels:
        with zipfile.ZipFile(path) as wheel:
            names = wheel.namelist()
            name, version, requires = _metadata(wheel)
            licences = [n for n in names if re.search(r"(^|/)LICEN[CS]E[^/]*$", n)]
            results.append((bool(licences), f"{name}: LICENSE in the wheel"))
            if name not in META_PACKAGES:
                typed = [n for n in names if n.endswith("/py.typed")]
                results.append((bool(typed), f"{name}: py.typed in the wheel"))
                versions = {
                    m.group(1)
                    for n in names
                    if n.endswith("_version.py")
                    for m in [re.search(r'__version__ = "([^"]+)"', wheel.read(n).decode())]
                    if m
                }
                results.append(
                    (
                        versions == {version},
                        f"{name}: __version__ {sorted(versions)} == wheel {version}",
                    )
                )
            runtime = [r for r in requires if "extra ==" not in r]
            loose = [r for r in requires if not _bounded(r)]
            results.append((not loose, f"{name}: requirements bounded on both sides {loose or ''}"))
            results.append(
                (f"## [{version}]" in changelog, f"{name}: CHANGELOG.md names version {version}")
            )
            if name == "openrouter-kit":
                names_needed = {_name(r) for r in runtime}
                results.append(
                    (names_needed == CORE_RUNTIME, f"core requires {sorted(names_needed)} only")
                )
                shipped = [
                    n
                    for n in names
                    if "emulator" in n.split("/")[-1] or "/demo/" in n or n.endswith("_serve.py")
                ]
                results.append((not shipped, f"core ships no emulator or demo {shipped[:3] or ''}"))
    return results


def requirements(dist: Path) -> list[str]:
    wanted: dict[str, str] = {}
    wheels = sorted(dist.glob("*.whl"))
    siblings = set()
    for path in wheels:
        with zipfile.ZipFile(path) as wheel:
            siblings.add(_metadata(wheel)[0])
    for path in wheels:
        with zipfile.ZipFile(path) as wheel:
            for requirement in _metadata(wheel)[2]:
                if "extra ==" in requirement or _name(requirement) in siblings:
                    continue
                wanted.setdefault(_name(requirement), requirement.split(";", 1)[0].strip())
    return sorted(wanted.values())


def main(argv: list[str]) -> int:
    if argv[:1] == ["--requirements"]:
        print("\n".join(requirements(Path(argv[1]))))
        return 0
    results = check(Path(argv[0]))
    for ok, text in results:
        print(("ok    " if ok else "FAIL  ") + text)
    failed = sum(not ok for ok, _ in results)
    print(f"release check: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
