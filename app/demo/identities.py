"""Synthetic identities: Chinese names, resident ID numbers, phones and addresses that belong to nobody.

- Names are a weighted surname plus one or two given-name characters drawn independently, so any match
  with a real person is a coincidence of common characters, not a copied record.
- ID numbers follow GB 11643-1999 exactly (region, birth date, sequence with odd = male, MOD 11-2 check),
  because the services refuse anything else; the region is the office's real county code, the rest is drawn.
- Phones use two documented ranges that a reader can recognise at a glance as demo data:
  people under measures get ``199 00xx xxxx`` (prefix 19900), work-group contacts get ``170 0000 xxxx``
  (prefix 1700000). Both pass the mobile-number rule (11 digits, 1[3-9]...) but were picked from the
  bottom of blocks that carriers hand out last, and nothing real should ever be dialled from a demo.
- Addresses recombine invented community, road and compound names under the real county.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from app.demo.blocks import Blocks, Region
from models.enums import Gender
from models.values import id_check_char

PERSON_PHONE_PREFIX = "19900"  # 199-00xx-xxxx: people under measures
CONTACT_PHONE_PREFIX = "1700000"  # 170-0000-xxxx: police, family, medics, volunteers, staff
SYNTHETIC_PHONE_PREFIXES = (PERSON_PHONE_PREFIX, CONTACT_PHONE_PREFIX)


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """An 18-character ID number; ``sequence`` (1-999) is odd for men and even for women."""
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"region code must be 6 digits, got {region!r}")
    if not 0 < sequence < 1000:
        raise ValueError(f"sequence must be 1-999, got {sequence}")
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def id_number_is_valid(number: str) -> bool:
    """Length, digits, a real birth date and the check character (the services check more)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        id_birth_date(number)
    except ValueError:
        return False
    return id_check_char(number[:17]) == number[17]


def id_birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_gender(number: str) -> Gender:
    return Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE


def is_synthetic_phone(phone: str) -> bool:
    """True for a number in one of the documented demo ranges."""
    return len(phone) == 11 and phone.isdigit() and phone.startswith(SYNTHETIC_PHONE_PREFIXES)


@dataclass(frozen=True)
class Identity:
    name: str
    gender: Gender
    birth_date: date
    id_number: str
    phone: str  # "" when the person gave none
    household_address: str  # 户籍地
    residence_address: str  # 居住地


class IdentityFactory:
    """Draws identities for one office from one random stream; ID numbers never repeat within it."""

    def __init__(self, rng: random.Random, blocks: Blocks, region: Region, office_name: str) -> None:
        self._rng = rng
        self._blocks = blocks
        self._region = region
        self._office_name = office_name
        self._used_numbers: set[str] = set()

    def surname(self) -> str:
        pool = self._blocks.surnames
        return pool[int(self._rng.random() * len(pool))]

    def name(self, gender: Gender, surname: str | None = None) -> str:
        """A 2- or 3-character name; single-character surnames only, so the length stays 2-3."""
        r = self._rng.random
        pool = self._blocks.male_given if gender is Gender.MALE else self._blocks.female_given
        given = pool[int(r() * len(pool))]
        if r() < 0.7:  # two-character given names are the majority
            second = pool[int(r() * len(pool))]
            if second != given or r() < 0.3:  # repeated characters (丽丽) happen, but rarely
                given += second
        return (surname or self.surname()) + given

    def id_number(self, birth: date, gender: Gender) -> str:
        # Men 001, 003 ... 999; women 002 ... 998 (000 is never issued).
        parity = 1 if gender is Gender.MALE else 0
        sequence = 2 * self._rng.randrange(1 - parity, 500) + parity
        for _ in range(500):
            number = make_id_number(self._region.code, birth, sequence)
            if number not in self._used_numbers:
                self._used_numbers.add(number)
                return number
            # Same birth date drawn twice: step to the next sequence of the same sex.
            sequence = sequence + 2 if sequence + 2 < 1000 else 2 - parity
        raise RuntimeError(f"no free ID sequence left for {birth} in {self._region.code}")

    def person_phone(self) -> str:
        return f"{PERSON_PHONE_PREFIX}{self._rng.randrange(1_000_000):06d}"

    def contact_phone(self) -> str:
        return f"{CONTACT_PHONE_PREFIX}{self._rng.randrange(10_000):04d}"

    def address(self) -> str:
        """A full address under the office's county: a village plot or a flat on a road."""
        r = self._rng.random
        b = self._blocks
        place = b.communities[int(r() * len(b.communities))]
        head = f"{self._region.prefix}{self._office_name}{place}"
        if place.endswith("村"):
            return f"{head}{1 + int(r() * 12)}组{1 + int(r() * 80)}号"
        road = b.roads[int(r() * len(b.roads))]
        compound = b.compounds[int(r() * len(b.compounds))]
        floor, room = 1 + int(r() * 18), 1 + int(r() * 4)
        return (
            f"{head}{road}{1 + int(r() * 300)}号{compound}"
            f"{1 + int(r() * 30)}号楼{1 + int(r() * 6)}单元{floor}{room:02d}室"
        )

    def identity(
        self, gender: Gender, birth: date, *, has_phone: bool = True, moved: bool = False
    ) -> Identity:
        """A whole identity; ``moved``: the person lives somewhere other than the household address."""
        household = self.address()
        return Identity(
            name=self.name(gender),
            gender=gender,
            birth_date=birth,
            id_number=self.id_number(birth, gender),
            phone=self.person_phone() if has_phone else "",
            household_address=household,
            residence_address=self.address() if moved else household,
        )
