"""People with unique, valid ID numbers and mobile numbers, shared by members and cadres."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from random import Random

from unionhome.core.cnid import Gender, make_id_number, make_mobile
from unionhome.demo.names import PersonNamer
from unionhome.demo.profiles import CountyProfile
from unionhome.demo.timeline import birth_date_for_age


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    gender: Gender
    id_number: str
    birth_date: date
    mobile: str


class PersonFactory:
    def __init__(self, profile: CountyProfile, rng: Random, as_of: date) -> None:
        self._profile = profile
        self._rng = rng
        self._as_of = as_of
        self.namer = PersonNamer(rng)
        self._ids: set[str] = set()
        self._mobiles: set[str] = set()
        origins = profile.migrant_origins
        self._origin_codes = [code for code, _ in origins]
        self._origin_weights = [w for _, w in origins]

    def person(
        self, gender: Gender | None = None, *, age: int | None = None, migrant: bool = False
    ) -> Person:
        rng = self._rng
        if gender is None:
            gender = "M" if rng.random() < 0.55 else "F"
        if age is None:
            age = round(rng.triangular(20, 59, 38))
        birth = birth_date_for_age(rng, self._as_of, age)
        region = self._profile.region_code
        if migrant and self._origin_codes and rng.random() < 0.5:
            region = rng.choices(self._origin_codes, weights=self._origin_weights)[0]
        while True:
            id_number = make_id_number(rng, region, birth, gender)
            if id_number not in self._ids:
                self._ids.add(id_number)
                break
        while True:
            mobile = make_mobile(rng)
            if mobile not in self._mobiles:
                self._mobiles.add(mobile)
                break
        return Person(self.namer.name(gender, birth.year), gender, id_number, birth, mobile)
