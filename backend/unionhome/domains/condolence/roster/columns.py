"""The columns of a nomination workbook (推荐名单) and the rows that are not nominations.

Header names follow what unions' own forms say (序号 / 姓名 / 身份证号码 / 工作单位 / 困难类别 / 困难原因 /
联系电话 / 银行卡号 / 开户行 / 慰问金(元) / 慰问品(元) / 备注); other columns (性别, 家庭人口, 年龄 …) are
ignored. Only 姓名 and 身份证号 are required.
"""

from __future__ import annotations

import re

from ....core.cnid import normalize_text
from ....core.spreadsheets import Column

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("职工姓名", "户主姓名", "困难职工姓名", "慰问对象", "慰问对象姓名", "被慰问人", "被慰问人姓名",
                          "推荐对象", "人员姓名"), required=True),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证", "证件号码", "居民身份证号码", "身份证件号码"),
           required=True),
    Column("work_unit", "工作单位", ("所在单位", "单位名称", "单位", "工作单位及职务", "所在企业")),
    Column("category", "慰问类别", ("类别", "困难类别", "人员类别", "慰问对象类别", "对象类别", "困难类型")),
    Column("reason", "困难原因", ("致困原因", "主要困难", "困难情况", "家庭困难原因", "主要困难及原因", "困难事由")),
    Column("mobile", "联系电话", ("手机号码", "手机号", "手机", "电话", "联系方式", "电话号码")),
    Column("bank_card", "银行卡号", ("卡号", "银行账号", "账号", "社保卡号", "一卡通账号", "银行卡账号", "收款账号")),
    Column("bank_name", "开户银行", ("开户行", "银行名称", "开户行名称")),
    Column("cash", "慰问金", ("慰问金额", "金额", "慰问资金", "慰问金元", "发放金额")),
    Column("goods", "慰问品", ("慰问品折价", "物资金额", "慰问物资", "慰问品金额", "物资折价")),
)
LABELS = {c.key: c.label for c in COLUMNS}

# A row is not a nomination when its text starts like a subtotal, a signature/contact footer or a note.
_SUBTOTAL = re.compile(r"^(合\s*计|小\s*计|总\s*计|共\s*计|总\s*数|本页小计)")
_FOOTER = re.compile(r"^(填\s*表\s*人|填\s*报\s*人|制\s*表\s*人?|审\s*核\s*人?|审\s*批\s*人|负\s*责\s*人|经\s*办\s*人|"
                     r"联系电话|联系人|填报日期|填表日期|日\s*期|单位\s*[（(]?\s*盖\s*章|工会\s*[（(]?\s*盖\s*章|"
                     r"主\s*席|注\s*[:：]|说\s*明|备\s*注\s*[:：])")


def skip_reason(texts: list[str], id_blank: bool) -> str | None:
    """Why a row is not a nomination ("blank", "subtotal", "footer", "header"), or None. `texts`: the
    row's non-blank cells as text, in column order. A row with anything in its ID cell is a nomination
    (and is checked as one)."""
    if not id_blank:
        return None
    if not texts:
        return "blank"
    for t in texts[:4]:
        if "合计" in t or _SUBTOTAL.match(t):
            return "subtotal"
    if any(_FOOTER.match(t) for t in texts[:3]):
        return "footer"
    if texts[0] in ("姓名", "序号") or (len(texts) > 1 and texts[1] == "姓名"):
        return "header"  # the header repeated on every printed page
    return None


def norm(value: object) -> str:
    return normalize_text(str(value)) if value is not None else ""
