"""The counties the demo can generate, and how big.

Township names are the counties' real townships; village and community names are plausible local
names used for addresses and village unions, not a checked list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any


@dataclass(frozen=True)
class CountySizes:
    townships: int | None = None  # use the first N of the profile's townships; None = all
    communities_per_township: int = 3
    grassroots: int = 200  # single-employer + joint + temporary unions
    employers: int = 5000
    members: int = 20000

    @classmethod
    def tiny(cls) -> CountySizes:
        """About 30 orgs, 100 employers, 300 members: for tests."""
        return cls(townships=3, communities_per_township=1, grassroots=10, employers=100, members=300)


@dataclass(frozen=True)
class Township:
    name: str  # 七里营镇
    villages: tuple[str, ...]  # 刘庄村, 京华社区 …; the first ones get village/community unions
    union_name: str = ""  # defaults to f"{name}总工会"

    @property
    def union(self) -> str:
        return self.union_name or f"{self.name}总工会"


@dataclass(frozen=True)
class CountyProfile:
    federation_name: str  # 新乡县总工会
    county: str  # 新乡县
    city: str  # 新乡市
    region_code: str  # GB/T 2260 code of the county
    approval_prefix: str  # 新工批 → 新工批〔2019〕23号
    phone_prefix: str  # office numbers are phone_prefix + digits up to 7 local digits
    seat: str  # township holding the county seat (county agencies, hospitals, schools)
    industrial_township: str  # township whose industrial park has a regional union federation
    townships: tuple[Township, ...]
    roads: tuple[str, ...]
    agencies: tuple[str, ...]  # county agencies without the county prefix (财政局 …)
    # Home counties of migrant workers: (region code, weight); the county's own code is added.
    migrant_origins: tuple[tuple[str, int], ...] = ()
    sizes: CountySizes = field(default_factory=CountySizes)
    as_of: date = date(2026, 11, 1)  # "today" of the generated data; pass date.today() for a fresh demo

    def locality(self, town: str) -> str:
        """The address prefix of a township; a development zone is named without the county."""
        return town if "开发区" in town else f"{self.county}{town}"

    def resized(self, **sizes: Any) -> CountyProfile:
        """The same county with some ``CountySizes`` fields changed: ``XINXIANG.resized(members=300)``."""
        return replace(self, sizes=replace(self.sizes, **sizes))


_AGENCIES = (
    "人民政府办公室",
    "发展和改革委员会",
    "教育局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "水利局",
    "商务局",
    "卫生健康委员会",
    "市场监督管理局",
    "应急管理局",
    "民政局",
    "统计局",
    "文化广电和旅游局",
    "城市管理局",
    "医疗保障局",
    "退役军人事务局",
    "司法局",
    "审计局",
)

_HENAN_ORIGINS = (
    ("410725", 5),  # 原阳县
    ("410726", 4),  # 延津县
    ("410727", 4),  # 封丘县
    ("410782", 3),  # 辉县市
    ("410781", 3),  # 卫辉市
    ("410526", 2),  # 滑县
    ("411421", 1),  # 民权县
    ("411623", 1),  # 商水县
    ("411722", 1),  # 上蔡县
    ("341221", 1),  # 安徽临泉县
)

XINXIANG = CountyProfile(
    federation_name="新乡县总工会",
    county="新乡县",
    city="新乡市",
    region_code="410721",
    approval_prefix="新工批",
    phone_prefix="0373-5",
    seat="小冀镇",
    industrial_township="七里营镇",
    townships=(
        Township("七里营镇", ("刘庄村", "七里营村", "八柳树村", "龙泉村", "马庄村", "徐营村")),
        Township("小冀镇", ("京华社区", "小冀村", "西街社区", "东街社区", "西曲里村", "杨厂村")),
        Township(
            "新乡经济技术开发区",
            ("新区社区", "荣校路社区", "新一街社区", "纬七路社区"),
            union_name="新乡经济技术开发区工会工作委员会",
        ),
        Township("朗公庙镇", ("朗公庙村", "大宋庄村", "西大阳堤村", "井庄村", "王庄村")),
        Township("古固寨镇", ("古固寨村", "祝楼村", "北徐庄村", "和庄村", "孟营村")),
        Township("翟坡镇", ("翟坡村", "东大阳堤村", "贾屯村", "东杨村", "马小营村")),
        Township("大召营镇", ("大召营村", "小召营村", "东台头村", "蒋村", "何屯村")),
        Township(
            "合河乡", ("合河村", "东张巨村", "西张巨村", "大块村", "东马头王村"), union_name="合河乡总工会"
        ),
    ),
    roads=(
        "新誉大道",
        "人民路",
        "新洛路",
        "建设路",
        "兴业路",
        "科技大道",
        "平原路",
        "振兴路",
        "文化路",
        "107国道",
    ),
    agencies=_AGENCIES,
    migrant_origins=_HENAN_ORIGINS,
)

HUOJIA = CountyProfile(
    federation_name="获嘉县总工会",
    county="获嘉县",
    city="新乡市",
    region_code="410724",
    approval_prefix="获工批",
    phone_prefix="0373-4",
    seat="城关镇",
    industrial_township="亢村镇",
    townships=(
        Township("城关镇", ("东关社区", "西关社区", "南关社区", "北街社区", "城内社区")),
        Township("亢村镇", ("亢村", "中营村", "后营村", "冯村", "北小营村")),
        Township("照镜镇", ("照镜村", "东浮庄村", "前屯村", "西寺营村")),
        Township("黄堤镇", ("黄堤村", "前李村", "后李村", "东彰仪村")),
        Township("中和镇", ("中和村", "南中和村", "大洛纣村", "小洛纣村")),
        Township("徐营镇", ("徐营村", "东碾村", "西碾村", "大辛庄村")),
        Township("冯庄镇", ("冯庄村", "马厂村", "东樊村", "西樊村")),
        Township("史庄镇", ("史庄村", "东石村", "西石村", "宣阳驿村")),
        Township("太山镇", ("太山村", "冯店村", "齐村", "白马营村")),
        Township("位庄乡", ("位庄村", "东寺村", "小位庄村"), union_name="位庄乡总工会"),
        Township("大新庄乡", ("大新庄村", "小新庄村", "王官营村"), union_name="大新庄乡总工会"),
    ),
    roads=("人民路", "同盟大道", "迎宾路", "健康路", "工业路", "太行大道", "东环路", "西环路", "和平路"),
    agencies=_AGENCIES,
    migrant_origins=_HENAN_ORIGINS,
)

PROFILES: dict[str, CountyProfile] = {"xinxiang": XINXIANG, "huojia": HUOJIA}
