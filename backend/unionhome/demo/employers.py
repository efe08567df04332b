"""Employers (用人单位) of a demo county: a few named public bodies plus thousands of drawn businesses.

Staff sizes are drawn so that the number of employers with 25+ staff matches the union budget: in a
real county most legal persons are micro businesses and individual shops, and the 25+ ones are
where nearly all single-employer unions are.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Literal

from unionhome.core.cnid import make_uscc
from unionhome.demo.names import BRAND_WORDS, PersonNamer
from unionhome.demo.profiles import CountyProfile, Township
from unionhome.demo.records import Employer, Ownership

# Where an employer's own union sits (see orgs.UnionTree.parent_for).
Affiliation = Literal[
    "township", "township_gov", "agency", "education", "health", "construction", "property", "transport",
    "commerce", "logistics", "industrial",
]  # fmt: skip


@dataclass(frozen=True)
class Kind:
    code: str
    sector: str
    ownership: Ownership
    uscc: str  # registration authority + category, e.g. "91" 企业, "92" 个体工商户, "12" 事业单位
    weight: int  # frequency among drawn employers
    large_weight: float  # relative chance of being one of the 25+ staff employers
    small: tuple[int, int]  # staff range when small
    large_cap: int
    women: float
    migrant: float
    affiliation: Affiliation
    names: tuple[str, ...]  # templates: {county} {town} {village} {brand} {person} {product}
    products: tuple[str, ...] = ("",)


_MANUFACTURING = (
    "机械制造", "振动机械", "过滤设备", "电池", "纺织", "面业", "食品", "化工", "包装材料", "新型建材",
    "汽车配件", "塑料制品", "家具", "服装", "钢结构", "铸造", "耐火材料", "电器", "制药", "起重设备",
)  # fmt: skip

KINDS: tuple[Kind, ...] = (
    Kind("shop", "批发和零售业", "individual", "92", 280, 0.02, (1, 6), 60, 0.55, 0.05, "township",
         ("{town}{brand}超市", "{town}{brand}便利店", "{town}{village}{brand}百货店", "{county}{town}{person}五金店",
          "{town}{brand}农资门市部", "{town}{brand}副食店", "{town}{brand}手机店", "{town}{person}服装店")),
    Kind("eatery", "住宿和餐饮业", "individual", "92", 110, 0.05, (1, 8), 120, 0.5, 0.1, "commerce",
         ("{town}{brand}饭店", "{town}{person}烩面馆", "{town}{brand}小吃店", "{county}{brand}酒家",
          "{town}{brand}羊肉汤馆", "{town}{person}早餐店")),
    Kind("services", "居民服务", "individual", "92", 40, 0.01, (1, 5), 30, 0.45, 0.05, "township",
         ("{town}{brand}汽车修理部", "{town}{person}理发店", "{town}{brand}洗车行", "{town}{brand}干洗店")),
    Kind("factory", "制造业", "private", "91", 150, 6.0, (3, 24), 3000, 0.35, 0.3, "industrial",
         ("{county}{brand}{product}有限公司", "河南{brand}{product}有限公司", "新乡市{brand}{product}有限公司"),
         _MANUFACTURING),
    Kind("trading", "批发和零售业", "private", "91", 70, 0.6, (2, 20), 300, 0.45, 0.1, "commerce",
         ("{county}{brand}商贸有限公司", "{county}{brand}农资有限公司", "{county}{brand}建材销售有限公司")),
    Kind("builder", "建筑业", "private", "91", 40, 3.0, (5, 24), 800, 0.08, 0.6, "construction",
         ("{county}{brand}建筑工程有限公司", "{county}{brand}建筑安装有限公司", "{county}{brand}装饰工程有限公司")),
    Kind("transport", "交通运输业", "private", "91", 30, 1.5, (3, 24), 400, 0.12, 0.2, "transport",
         ("{county}{brand}运输有限公司", "{county}{brand}汽车运输有限公司", "{county}{brand}客运有限公司")),
    Kind("logistics", "物流快递", "private", "91", 30, 1.0, (3, 24), 300, 0.15, 0.3, "logistics",
         ("{county}{brand}物流有限公司", "{county}{brand}快递服务有限公司", "{county}{brand}供应链管理有限公司")),
    Kind("housekeeping", "家政服务", "private", "91", 20, 0.4, (2, 20), 150, 0.9, 0.2, "township",
         ("{county}{brand}家政服务有限公司", "{county}{brand}保洁服务有限公司")),
    Kind("coop", "农业", "cooperative", "93", 60, 0.2, (5, 24), 80, 0.45, 0.0, "township",
         ("{county}{town}{brand}种植专业合作社", "{county}{village}{brand}养殖专业合作社", "{county}{town}{brand}农机专业合作社")),
    Kind("agri", "农业", "private", "91", 20, 0.6, (3, 24), 300, 0.4, 0.1, "township",
         ("{county}{brand}农业科技有限公司", "{county}{brand}种业有限公司", "{county}{brand}生态农业有限公司")),
    Kind("property", "房地产业", "private", "91", 20, 1.5, (4, 24), 400, 0.4, 0.2, "property",
         ("{county}{brand}物业服务有限公司", "{county}{brand}置业有限公司", "{county}{brand}房地产开发有限公司")),
    Kind("hotel", "住宿和餐饮业", "private", "91", 15, 1.0, (4, 24), 200, 0.6, 0.15, "commerce",
         ("{county}{brand}大酒店有限公司", "{county}{brand}宾馆有限公司", "{county}{brand}商务酒店有限公司")),
    Kind("kindergarten", "教育", "social_org", "52", 15, 0.8, (5, 24), 80, 0.92, 0.0, "education",
         ("{county}{town}{brand}幼儿园", "{county}{brand}双语幼儿园", "{county}{brand}培训学校")),
    Kind("clinic", "卫生", "individual", "92", 20, 0.1, (1, 12), 60, 0.6, 0.0, "township",
         ("{town}{person}诊所", "{town}{brand}大药房", "{town}{village}卫生室")),
    Kind("collective", "制造业", "collective", "91", 15, 1.5, (5, 24), 800, 0.35, 0.15, "township",
         ("{county}{village}{product}厂", "{county}{town}{product}厂"), ("机械", "面粉", "建材", "纸箱", "农机修造")),
    Kind("foreign", "制造业", "foreign", "91", 3, 30.0, (10, 24), 2000, 0.45, 0.4, "industrial",
         ("新乡{brand}精密机械有限公司", "新乡{brand}新材料有限公司", "新乡{brand}汽车零部件有限公司")),
    Kind("hmt", "制造业", "hk_macao_taiwan", "91", 4, 20.0, (10, 24), 2000, 0.55, 0.45, "industrial",
         ("新乡{brand}电子有限公司", "新乡{brand}鞋业有限公司", "新乡{brand}食品有限公司")),
    Kind("association", "社会组织", "social_org", "51", 10, 0.05, (1, 8), 40, 0.5, 0.0, "township",
         ("{county}{brand}商会", "{county}{product}行业协会", "{county}{brand}社会工作服务中心"),
         ("餐饮", "建材", "物流", "家政", "农资")),
)  # fmt: skip


@dataclass
class EmployerDraft:
    """An employer record plus what the generator needs to know about it."""

    record: Employer
    kind: str
    affiliation: Affiliation
    village: str | None
    fixed: bool = False  # a named public body or state-owned unit, always unionised
    project: str | None = None  # set for the contractors that host a temporary union


@dataclass(frozen=True)
class _Fixed:
    name: str
    town: Township
    kind: str
    sector: str
    ownership: Ownership
    uscc: str
    staff: tuple[int, int]
    women: float
    affiliation: Affiliation


def _fixed_bodies(profile: CountyProfile, towns: list[Township], seat: Township) -> list[_Fixed]:
    """Public bodies every county has, most important first (small sizes keep only the first few)."""
    c = profile.county

    def gov(t: Township) -> _Fixed:
        name = f"{t.name}管理委员会" if "开发区" in t.name else f"{t.name}人民政府"
        return _Fixed(name, t, "gov", "公共管理", "agency", "11", (40, 90), 0.4, "township_gov")

    head = [
        gov(seat),
        _Fixed(
            f"{c}人民医院", seat, "hospital", "卫生", "public_institution", "12", (600, 900), 0.7, "health"
        ),
        _Fixed(
            f"{c}第一中学", seat, "school", "教育", "public_institution", "12", (200, 320), 0.6, "education"
        ),
    ]
    agencies = [
        _Fixed(f"{c}{a}", seat, "agency", "公共管理", "agency", "11", (25, 120), 0.4, "agency")
        for a in profile.agencies
    ]
    per_town = [gov(t) for t in towns if t != seat]
    per_town += [
        _Fixed(
            f"{t.name}卫生院",
            t,
            "health_center",
            "卫生",
            "public_institution",
            "12",
            (30, 90),
            0.65,
            "health",
        )
        for t in towns
        if "开发区" not in t.name
    ]
    per_town += [
        _Fixed(
            f"{t.name}中心学校", t, "school", "教育", "public_institution", "12", (40, 110), 0.65, "education"
        )
        for t in towns
        if "开发区" not in t.name
    ]
    tail = [
        _Fixed(
            f"国网{c}供电公司",
            seat,
            "soe",
            "电力热力燃气和水",
            "state_owned",
            "91",
            (120, 260),
            0.25,
            "township",
        ),
        _Fixed(
            f"中国邮政集团有限公司{c}分公司",
            seat,
            "soe",
            "物流快递",
            "state_owned",
            "91",
            (60, 120),
            0.4,
            "township",
        ),
        _Fixed(
            f"中国农业银行股份有限公司{c}支行",
            seat,
            "soe",
            "金融业",
            "state_owned",
            "91",
            (60, 120),
            0.55,
            "township",
        ),
        _Fixed(
            f"{c}农村信用合作联社", seat, "soe", "金融业", "collective", "91", (150, 300), 0.5, "township"
        ),
        _Fixed(f"{c}中医院", seat, "hospital", "卫生", "public_institution", "12", (200, 350), 0.7, "health"),
        _Fixed(
            f"{c}妇幼保健院", seat, "hospital", "卫生", "public_institution", "12", (100, 180), 0.85, "health"
        ),
        _Fixed(
            f"{c}职业教育中心",
            seat,
            "school",
            "教育",
            "public_institution",
            "12",
            (80, 150),
            0.5,
            "education",
        ),
    ]
    # Interleave so a small budget still gets a mix of agencies, townships and services.
    ordered = head[:]
    for i in range(max(len(agencies), len(per_town), len(tail))):
        ordered += [x[i] for x in (agencies, per_town, tail) if i < len(x)]
    return ordered


def scale_staff(e: Employer, staff: int) -> None:
    """Change the head count, keeping the shares of women and migrant workers."""
    ratio = staff / e.staff_count
    e.women_count = min(staff, round(e.women_count * ratio))
    e.migrant_count = min(staff, round(e.migrant_count * ratio))
    e.staff_count = staff


class EmployerFactory:
    """Draws employers with unique names and credit codes."""

    def __init__(
        self, profile: CountyProfile, towns: list[Township], rng: Random, namer: PersonNamer
    ) -> None:
        self._profile = profile
        self._towns = towns
        self._rng = rng
        self._namer = namer
        self._names: set[str] = set()
        self._codes: set[str] = set()
        self.town_keys: dict[str, str] = {}  # township name -> township org key, set by the caller
        self.drafts: list[EmployerDraft] = []

    def _address(self, town: Township, village: str | None) -> str:
        rng, p = self._rng, self._profile
        if village and rng.random() < 0.6:
            side = rng.choice(("", "村东", "村西", "村南", "村北")) if village.endswith("村") else ""
            return f"{p.locality(town.name)}{village}{side}"
        return f"{p.locality(town.name)}{rng.choice(p.roads)}{rng.randint(1, 399)}号"

    def _credit_code(self, uscc: str) -> str:
        while True:
            code = make_uscc(self._rng, self._profile.region_code, uscc[0], uscc[1])
            if code not in self._codes:
                self._codes.add(code)
                return code

    def _add(self, name: str, town: Township, village: str | None, kind: str, sector: str, ownership: Ownership,
             uscc: str, staff: int, women: float, migrant: float, affiliation: Affiliation, fixed: bool) -> EmployerDraft:  # fmt: skip
        rng = self._rng
        women_count = min(staff, round(staff * women * rng.uniform(0.8, 1.2)))
        migrant_count = min(staff, round(staff * migrant * rng.uniform(0.6, 1.4)))
        record = Employer(
            key=f"emp-{len(self.drafts) + 1:05d}",
            name=name,
            credit_code=self._credit_code(uscc),
            ownership=ownership,
            sector=sector,
            staff_count=staff,
            women_count=women_count,
            migrant_count=migrant_count,
            address=self._address(town, village),
            township_key=self.town_keys[town.name],
            legal_representative=self._namer.name("M" if rng.random() < 0.78 else "F", 1970),
        )
        draft = EmployerDraft(record, kind, affiliation, village, fixed)
        self.drafts.append(draft)
        self._names.add(name)
        return draft

    def add_fixed(self, limit: int, seat: Township) -> list[EmployerDraft]:
        added = []
        for f in _fixed_bodies(self._profile, self._towns, seat)[:limit]:
            staff = self._rng.randint(*f.staff)
            added.append(self._add(f.name, f.town, None, f.kind, f.sector, f.ownership, f.uscc, staff,
                                   f.women, 0.02, f.affiliation, fixed=True))  # fmt: skip
        return added

    def add_contractor(self, project: str, town: Township) -> EmployerDraft:
        """A construction company with a project in the county, big enough for a temporary union."""
        name = self._unique_name(
            ("河南{brand}建设集团有限公司", "河南省{brand}建筑工程有限公司"), town, None, ("",)
        )
        staff = self._rng.randint(120, 500)
        draft = self._add(name, town, None, "contractor", "建筑业", "private", "91", staff, 0.05, 0.8,
                          "construction", fixed=True)  # fmt: skip
        draft.project = project
        return draft

    def add_drawn(self, count: int, large: int) -> list[EmployerDraft]:
        """``count`` businesses, exactly ``large`` of them with 25+ staff."""
        rng = self._rng
        kinds = rng.choices(KINDS, weights=[k.weight for k in KINDS], k=count)
        # Weighted choice without replacement (Efraimidis–Spirakis): the top keys become large.
        keys = sorted(range(count), key=lambda i: rng.random() ** (1 / kinds[i].large_weight), reverse=True)
        is_large = [False] * count
        for i in keys[:large]:
            is_large[i] = True
        town_weights = [3 if t.name == self._profile.seat else 2 if t.name == self._profile.industrial_township else 1
                        for t in self._towns]  # fmt: skip
        drafts = []
        for kind, big in zip(kinds, is_large, strict=True):
            town = rng.choices(self._towns, weights=town_weights)[0]
            village = rng.choice(town.villages) if town.villages else None
            if big:
                staff = min(kind.large_cap, int(25 * rng.paretovariate(1.15)))
            else:
                lo, hi = kind.small
                staff = lo + int((hi - lo + 1) * rng.random() ** 2.2)
            name = self._unique_name(kind.names, town, village, kind.products)
            drafts.append(self._add(name, town, village, kind.code, kind.sector, kind.ownership, kind.uscc, staff,
                                    kind.women, kind.migrant, kind.affiliation, fixed=False))  # fmt: skip
        return drafts

    def _unique_name(self, templates: tuple[str, ...], town: Township, village: str | None,
                     products: tuple[str, ...]) -> str:  # fmt: skip
        rng = self._rng
        for attempt in range(30):
            fields = {
                "county": self._profile.county,
                "town": town.name,
                "village": village or town.name,
                "brand": rng.choice(BRAND_WORDS),
                "person": self._namer.name("M" if rng.random() < 0.7 else "F"),
                "product": rng.choice(products),
            }
            name = rng.choice(templates).format(**fields)
            name = name.replace(f"{fields['county']}{town.name}", self._profile.locality(town.name))
            if attempt > 20:  # crowded name space: add a branch number as real registers do
                name = (
                    name.replace("有限公司", f"第{attempt - 19}分公司")
                    if "有限公司" in name
                    else f"{name}{attempt - 19}店"
                )
            if name not in self._names:
                return name
        raise RuntimeError("could not draw a unique employer name")
