"""The synthetic building blocks in resources/demo/: word lists the demo generator composes people from.

They are read once and cached; every list is a tuple so a generator can index it cheaply and nobody can
change it under another's feet.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.paths import resource_path

# app/demo/blocks.py -> the project root; the lists live beside the code, not inside a package, because
# they are data a reviewer should be able to read and extend without touching Python.
RESOURCE_DIR = resource_path("demo")


@dataclass(frozen=True)
class Region:
    """A county-level division (real code and name) that a demo office can belong to."""

    code: str
    province: str
    city: str
    county: str
    police_authority: str  # who orders the measures

    @property
    def prefix(self) -> str:
        """The address prefix down to the county, e.g. 宁夏回族自治区银川市兴庆区."""
        return f"{self.province}{self.city}{self.county}"


@dataclass(frozen=True)
class Blocks:
    surnames: tuple[str, ...]  # repeated by weight, so a uniform pick follows the weights
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]
    regions: dict[str, Region]
    communities: tuple[str, ...]
    roads: tuple[str, ...]
    compounds: tuple[str, ...]
    police_stations: tuple[str, ...]
    leave_destinations: tuple[str, ...]
    leave_reasons: tuple[str, ...]
    employment: dict[str, tuple[str, ...]]
    family: dict[str, tuple[str, ...]]
    health: dict[str, tuple[str, ...]]
    mental: dict[str, tuple[str, ...]]
    needs: dict[str, tuple[str, ...]]
    visit_summaries: dict[str, tuple[str, ...]]
    providers: dict[str, tuple[str, ...]]
    assistance_details: dict[str, tuple[str, ...]]
    violations: dict[str, tuple[str, ...]]


def read_lines(name: str, directory: Path = RESOURCE_DIR) -> list[str]:
    """The items of one list: stripped lines, without blanks and # comments."""
    text = (directory / name).read_text(encoding="utf-8")
    items = (line.strip() for line in text.splitlines())
    return [item for item in items if item and not item.startswith("#")]


def read_tagged(name: str, directory: Path = RESOURCE_DIR) -> dict[str, tuple[str, ...]]:
    """A ``tag<TAB>text`` list grouped by tag, in file order."""
    grouped: dict[str, list[str]] = {}
    for line in read_lines(name, directory):
        tag, sep, text = line.partition("\t")
        if not sep or not text.strip():
            raise ValueError(f"{name}: expected 'tag<TAB>text', got {line!r}")
        grouped.setdefault(tag.strip(), []).append(text.strip())
    return {tag: tuple(texts) for tag, texts in grouped.items()}


def read_weighted(name: str, directory: Path = RESOURCE_DIR) -> tuple[str, ...]:
    """An ``item [weight]`` list expanded so that each item appears weight times."""
    expanded: list[str] = []
    for line in read_lines(name, directory):
        item, *rest = line.split()
        expanded.extend([item] * (int(rest[0]) if rest else 1))
    return tuple(expanded)


def read_regions(name: str = "regions.txt", directory: Path = RESOURCE_DIR) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for line in read_lines(name, directory):
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 5 or len(fields[0]) != 6 or not fields[0].isdigit():
            raise ValueError(f"{name}: expected code, province, city, county, police; got {line!r}")
        regions[fields[0]] = Region(*fields)
    return regions


@cache
def load_blocks(directory: Path = RESOURCE_DIR) -> Blocks:
    """All building blocks, read once per directory."""
    return Blocks(
        surnames=read_weighted("surnames.txt", directory),
        male_given=tuple(read_lines("given_male.txt", directory)),
        female_given=tuple(read_lines("given_female.txt", directory)),
        regions=read_regions(directory=directory),
        communities=tuple(read_lines("communities.txt", directory)),
        roads=tuple(read_lines("roads.txt", directory)),
        compounds=tuple(read_lines("compounds.txt", directory)),
        police_stations=tuple(read_lines("police_stations.txt", directory)),
        leave_destinations=tuple(read_lines("leave_destinations.txt", directory)),
        leave_reasons=tuple(read_lines("leave_reasons.txt", directory)),
        employment=read_tagged("findings_employment.txt", directory),
        family=read_tagged("findings_family.txt", directory),
        health=read_tagged("findings_health.txt", directory),
        mental=read_tagged("findings_mental.txt", directory),
        needs=read_tagged("findings_needs.txt", directory),
        visit_summaries=read_tagged("visit_summaries.txt", directory),
        providers=read_tagged("providers.txt", directory),
        assistance_details=read_tagged("assistance_details.txt", directory),
        violations=read_tagged("violations.txt", directory),
    )
