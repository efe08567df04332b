"""Chinese person names and trade names for demo data.

Surname weights follow the national frequency ranking, tilted towards the north-Henan mix (more 郭,
孙, 马, 宋, 翟, 牛, 申; fewer southern 黄, 林, 罗, 梁).
"""

from __future__ import annotations

from itertools import accumulate
from random import Random

from unionhome.core.cnid import Gender

# (surname, weight in 1/10,000); compound surnames are rare on purpose.
_SURNAMES = (
    ("王", 820), ("李", 760), ("张", 720), ("刘", 560), ("陈", 390), ("杨", 320), ("赵", 280),
    ("郭", 210), ("孙", 190), ("马", 180), ("高", 150), ("胡", 130), ("朱", 120), ("宋", 120),
    ("郑", 110), ("徐", 110), ("韩", 100), ("吕", 90), ("许", 90), ("田", 80), ("冯", 80),
    ("周", 80), ("吴", 70), ("贾", 70), ("崔", 70), ("牛", 60), ("段", 60), ("杜", 60),
    ("曹", 60), ("董", 60), ("程", 50), ("魏", 50), ("袁", 50), ("苏", 50), ("翟", 40),
    ("申", 40), ("靳", 30), ("卫", 30), ("秦", 40), ("任", 40), ("丁", 40), ("姚", 30),
    ("范", 30), ("石", 30), ("侯", 30), ("薛", 30), ("闫", 30), ("史", 30), ("武", 30),
    ("黄", 30), ("罗", 20), ("何", 40), ("梁", 20), ("林", 20), ("谢", 20), ("邓", 20),
    ("唐", 20), ("彭", 20), ("肖", 20), ("蒋", 20), ("潘", 20), ("于", 30), ("付", 30),
    ("白", 30), ("孟", 30), ("尹", 20), ("雷", 20), ("毛", 20), ("郝", 30), ("常", 30),
    ("司", 20), ("原", 15), ("焦", 20), ("樊", 20), ("路", 15), ("齐", 15), ("岳", 15),
    ("欧阳", 2), ("司马", 2), ("上官", 1), ("诸葛", 1),
)  # fmt: skip
_SURNAME_LIST = tuple(s for s, _ in _SURNAMES)
_SURNAME_CUM = tuple(accumulate(w for _, w in _SURNAMES))

_MALE = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国东峰亮成志文海新振卫兵彬博晨"
    "然轩豪宏金永生庆德福春学良保忠民中广利全安立跃光锋晓"
)
_FEMALE = (
    "芳娜敏静丽艳娟霞秀英玲桂兰萍燕红梅琳雪婷倩慧颖洁莉琴云莹晶丹欣佳悦蕾璐瑶怡娇凤玉珍菊荣翠彩"
    "晓月姗楠雯露蓉薇"
)
# Names common among people born before about 1975.
_MALE_OLD = ("建国", "国庆", "建军", "卫东", "保国", "振华", "国强", "建设", "爱民", "红旗", "金生", "满仓")
_FEMALE_OLD = ("秀英", "桂兰", "玉兰", "秀兰", "桂英", "凤英", "玉珍", "秀珍", "淑珍", "爱华", "翠花", "素芳")

_BRANDS = (
    "宏达 鑫源 恒通 金鼎 华瑞 瑞丰 永兴 兴隆 天成 隆昌 嘉禾 丰源 新科 中原 豫兴 牧野 卫河 德润 和顺 富康 "
    "荣达 众鑫 博远 昌盛 锦程 万通 广源 佳美 诚信 利民 福瑞 康泰 海川 润泽 盛世 泰和 宏远 合力 正通 蓝天 "
    "绿源 华丰 金穗 鼎盛 金桥 东方 亿达 通达 天宇 瑞祥 恒信 新华 华星 京华 龙泉 金玉 汇通 顺达 兴达 永盛 "
    "鸿运 晨光 宇航 润丰 金海 豫北 同盟 太行 新亚 安泰 凯旋 宝丰 华茂 联创 创新 长青 振宇 华冠 永信 中兴 "
)
BRAND_WORDS = tuple(_BRANDS.split())


class PersonNamer:
    """Draws realistic names; not unique (real rosters have namesakes too)."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng

    def surname(self) -> str:
        return self._rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]

    def name(self, gender: Gender, birth_year: int = 1985) -> str:
        rng = self._rng
        surname = self.surname()
        if birth_year < 1975 and rng.random() < 0.3:
            return surname + rng.choice(_MALE_OLD if gender == "M" else _FEMALE_OLD)
        pool = _MALE if gender == "M" else _FEMALE
        if rng.random() < 0.18:
            return surname + rng.choice(pool)
        first = rng.choice(pool)
        if gender == "F" and rng.random() < 0.05:
            return surname + first + first  # 娜娜, 婷婷
        second = rng.choice(pool)
        while second == first:
            second = rng.choice(pool)
        return surname + first + second
