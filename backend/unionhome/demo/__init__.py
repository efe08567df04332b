"""Deterministic demo data: a realistic county federation with its unions, employers, members and cadres."""

from unionhome.demo.county import generate_county
from unionhome.demo.profiles import HUOJIA, PROFILES, XINXIANG, CountyProfile, CountySizes, Township
from unionhome.demo.records import Cadre, County, Employer, Member, Org, Transfer

__all__ = [
    "HUOJIA",
    "PROFILES",
    "XINXIANG",
    "Cadre",
    "County",
    "CountyProfile",
    "CountySizes",
    "Employer",
    "Member",
    "Org",
    "Township",
    "Transfer",
    "generate_county",
]
