"""The README and docs/ say what the repository holds, and quote the code and the runs as they are.

- README.md stays a front door: at most 150 lines, linking every page of docs/.
- Every relative link and image resolves, to a file and, for `#anchor`, to a heading there.
- Every repository path a page names exists; the module map names every module, and no other.
- The lesson's page lists every fact and region the lesson file may use, and no other.
- Nothing in the project refers to a file outside the repository.
- The Observation's rules are quoted word for word, and the default run's numbers as it runs.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from wdtui.core.observe import RULES
from wdtui.lesson.facts import FACTS
from wdtui.lesson.regions import PANEL, REGIONS

from helpers import run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
MAX_README_LINES = 150

LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
REPO_PATH = re.compile(r"`((?:wdtui|tests|benchmarks|assets|docs)/[\w./\-\[\]]*\w)`")


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def prose(page: Path) -> str:
    """The page without its fenced code blocks or inline code: where links live."""
    return CODE.sub("", FENCE.sub("", text(page)))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found, seen = set(), {}
    for heading in HEADING.findall(FENCE.sub("", text(page))):
        base = slug(heading)
        n = seen.get(base, 0)
        found.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return found


def links(page: Path) -> list[str]:
    return [t for t in LINK.findall(prose(page)) if not re.match(r"[a-z]+:", t)]


def test_the_pages_are_found():
    assert len(PAGES) >= 8 and all(p.is_file() for p in PAGES)
    assert "cli.md" in {p.name for p in PAGES} and "architecture.md" in {p.name for p in PAGES}


def test_the_readme_is_a_front_door_to_every_page():
    assert len(text(README).splitlines()) <= MAX_README_LINES
    linked = {unquote(t).split("#")[0] for t in links(README)}
    for page in DOCS.glob("*.md"):
        assert f"docs/{page.name}" in linked, f"README.md does not link docs/{page.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    assert links(page), f"{page.name} links nothing"
    for target in links(page):
        path, _, anchor = unquote(target).partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name}: {target} does not exist"
        assert ROOT in file.parents or file == ROOT, f"{page.name}: {target} is outside the repository"
        if anchor:
            assert file.suffix == ".md", f"{page.name}: {target}: an anchor into a file that is not a page"
            assert anchor in anchors(file), f"{page.name}: {target}: {file.name} has no heading #{anchor}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_path_a_page_names_exists(page):
    for named in REPO_PATH.findall(FENCE.sub("", text(page))):
        assert (ROOT / named).exists(), f"{page.name} names {named}, which does not exist"


def module_map() -> dict[str, str]:
    """Each package's section of the architecture page's module map, by package folder."""
    page = text(DOCS / "architecture.md")
    sections = re.split(r"^### `wdtui/([\w/]+)/`\s*$", page, flags=re.MULTILINE)
    return {name: body.split("\n## ")[0] for name, body in zip(sections[1::2], sections[2::2])}


def test_the_module_map_names_every_module_and_only_modules_that_exist():
    sections = module_map()
    packages = sorted(p.parent for p in (ROOT / "wdtui").glob("*/__init__.py"))
    assert {p.name for p in packages} == set(sections), "a package without its section, or a section without its package"
    for package in packages:
        section = sections[package.name]
        modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if p.name != "__init__.py"}
        named = {n for n in re.findall(r"`([\w/]*\w\.py)`", section) if not n.startswith(("wdtui/", "tests/", "benchmarks/"))}
        for module in modules:
            assert module in named or Path(module).name in named, f"the module map leaves out wdtui/{package.name}/{module}"
        existing = {Path(m).name for m in modules} | {"__init__.py"}
        for name in named:
            assert Path(name).name in existing, f"the module map names wdtui/{package.name}/{name}, which does not exist"


def test_the_lesson_page_lists_every_fact_and_region_and_no_other():
    page = text(DOCS / "lesson.md")
    facts = page[page.index("### Facts"):page.index("## Progress")]
    rows = re.findall(r"^\| ((?:`\w+`(?:, )?)+) \|", facts, flags=re.MULTILINE)
    listed = {name for row in rows for name in re.findall(r"`(\w+)`", row)}
    assert listed == set(FACTS)
    for mode, regions in REGIONS.items():
        row = f"| `{mode}` | " + ", ".join(f"`{r}`" for r in regions) + " |"
        assert row in page, row
    assert f"`{PANEL}`" in page


def test_nothing_refers_outside_the_repository():
    outside = ("DESIGN" + ".md", "../" + "shared", "/wo" + "rk/")
    files = [ROOT / "pyproject.toml", *PAGES, *[p for d in ("wdtui", "tests", "benchmarks")
                                                for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".toml", ".tcss", ".md")]]
    for file in files:
        for said in outside:
            assert said not in text(file), f"{file.relative_to(ROOT)} names {said}"


def test_pyproject_names_what_exists():
    project = text(ROOT / "pyproject.toml")
    for named in re.findall(r"\bwdtui/[\w/]+\.py\b", project):
        assert (ROOT / named).is_file(), f"pyproject.toml names {named}"
    packages = set(tomllib.loads(project)["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "wdtui").rglob("__init__.py")}
    assert on_disk <= packages, f"pyproject.toml does not package {sorted(on_disk - packages)}"


def test_the_observation_rules_are_quoted_word_for_word():
    quoted = [line.strip() for line in text(DOCS / "cli.md").splitlines()]
    for line in RULES.splitlines():
        assert line.strip() in quoted, line


def test_the_default_run_is_quoted_as_it_runs(capsys):
    status, out, _ = run_cli(capsys, "trace", "--json")
    assert status == 0
    doc = json.loads(out)
    first, *_, last = doc["epochs"]
    insight = doc["insight"]
    said = " ".join(text(DOCS / "data.md").split())
    assert (f"(epoch 0: accuracy {100 * first['train_acc']:.1f} %, loss {first['train_loss']:.4f})" in said)
    assert f"({doc['epochs'][1]['train_loss']:.4f} → {last['train_loss']:.4f})" in said
    assert f"to {100 * last['train_acc']:.1f} % on training and {100 * last['val_acc']:.1f} % on validation" in said
    assert f"half-life under decay alone is {insight['half_life_steps']:,.0f} steps" in said
    assert f"takes {insight['steps_trained']} ({100 * insight['left_after_run']:.1f} % of a weight is left" in said
    assert (f"own decay part is 1 − γλ = {insight['direct_shrink']:g}, and momentum makes the long-run factor "
            f"{insight['shrink']:.4f})") in said
    assert f"the penalty is {100 * insight['penalty_share']:.2f} % of the objective" in said
