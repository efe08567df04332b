"""Import of an existing hardship file through the import framework: the row rules, dry run, commit,
idempotent re-import, the one-open-file rule against the file, scope and permission."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.backend.hardship.helpers import apply, counts, grassroots_org, new_id, payload, tenant_of
from unionhome.core.clock import today as china_today
from unionhome.core.spreadsheets.errors import CellError
from unionhome.domains.hardship.imports import causes_list, money_yuan, next_review

HEADER = ["档案编号", "姓名", "身份证号", "工作单位", "困难类别", "致困原因", "家庭人口", "家庭月总收入", "人均月收入",
          "联系电话", "银行卡号", "开户行", "建档日期", "所在工会"]
CARD = "6228480402564890018"


@pytest.fixture
def inline_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    from unionhome.domains.orgs.imports import jobs

    monkeypatch.setattr(jobs, "start", lambda ctx, batch, phase: None)


def upload(client: Any, path: Path, mode: str = "all_or_nothing") -> Any:
    data = {"kind": "hardship_households", "mode": mode, "file": (io.BytesIO(path.read_bytes()), path.name)}
    return client.request("POST", "/api/v1/imports", data=data, content_type="multipart/form-data")


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def row(rng, org_name: str, **over: Any) -> list[Any]:
    values = {"档案编号": "", "姓名": "王建国", "身份证号": new_id(rng), "工作单位": "县纺织厂", "困难类别": "特困职工",
              "致困原因": "大病、子女上学", "家庭人口": "3", "家庭月总收入": "2,400", "人均月收入": "800",
              "联系电话": "13812345678", "银行卡号": CARD, "开户行": "中国农业银行", "建档日期": "2023.3.5",
              "所在工会": org_name}
    values.update(over)
    return [values[h] for h in HEADER]


def test_cell_parsers():
    assert causes_list()("大病、子女上学，单亲") == ["major_illness", "schooling", "single_parent"]
    with pytest.raises(CellError):
        causes_list()("失恋")
    assert money_yuan()("1,234.50元") == 123450 and money_yuan()(800) == 80000 and money_yuan()(99.99) == 9999
    for bad in ("abc", "-1", "1.234"):
        with pytest.raises(CellError):
            money_yuan()(bad)
    today = date(2026, 5, 1)
    assert next_review(date(2023, 3, 5), 12, today) == date(2027, 3, 5)
    assert next_review(date(2026, 4, 1), 12, today) == date(2027, 4, 1)


@pytest.mark.usefixtures("inline_jobs")
def test_dry_run_commit_and_reimport(login_as, rng, tmp_path):
    c = login_as("federation_admin")
    tid = tenant_of(c)
    org = c.get(f"/api/v1/orgs/{grassroots_org(c)}").get_json()
    rows = [row(rng, org["name"], 姓名=name) for name in ("王建国", "李秀英", "张卫东")]
    rows[2][HEADER.index("档案编号")] = "XX2023-0001"
    path = write_csv(tmp_path / "困难职工档案.csv", [HEADER, *rows])
    before = counts(tid)
    batch = upload(c, path).get_json()
    assert batch["status"] == "validated", batch
    assert (batch["total_rows"], batch["valid_rows"], batch["error_rows"]) == (3, 3, 0), batch["first_errors"]
    assert counts(tid)["hardship_households"] == before["hardship_households"]
    done = c.post(f"/api/v1/imports/{batch['id']}/commit", json={}).get_json()
    assert done["status"] == "committed" and done["created_count"] == 3, done
    after = counts(tid)
    assert after["hardship_households"] == before["hardship_households"] + 3
    assert after["hardship_active_persons"] == before["hardship_active_persons"] + 3
    listed = c.get(f"/api/v1/hardship/households?q={rows[0][2]}").get_json()
    assert len(listed) == 1
    h = listed[0]
    assert (h["status"], h["source"], h["filed_on"], h["category"]) == ("filed", "import", "2023-03-05", "extreme")
    assert h["causes"] == ["major_illness", "schooling"] and h["per_capita_income_fen"] == 80000
    assert h["rule_code"] == "basic" and h["bank_card_masked"].endswith(CARD[-4:])
    assert h["next_review_due"] >= china_today().isoformat()
    assert c.get("/api/v1/hardship/households?q=XX2023-0001").status_code == 200
    # Re-importing the same file changes nothing; a changed phone updates one household
    again = upload(c, path).get_json()
    done = c.post(f"/api/v1/imports/{again['id']}/commit", json={}).get_json()
    assert (done["created_count"], done["updated_count"], done["unchanged_count"]) == (0, 0, 3), done
    rows[1][HEADER.index("联系电话")] = "13912345678"
    third = upload(c, write_csv(tmp_path / "2.csv", [HEADER, *rows])).get_json()
    done = c.post(f"/api/v1/imports/{third['id']}/commit", json={}).get_json()
    assert (done["created_count"], done["updated_count"]) == (0, 1), done
    history = c.get(f"/api/v1/hardship/households/{c.get(f'/api/v1/hardship/households?q={rows[1][2]}').get_json()[0]['id']}/history").get_json()
    assert history[0]["action"] == "hardship.household.import_update" and history[0]["changes"]["mobile"]


@pytest.mark.usefixtures("inline_jobs")
def test_bad_rows_are_reported_in_chinese_and_nothing_is_written(login_as, rng, tmp_path):
    c = login_as("federation_admin")
    tid = tenant_of(c)
    org_id = grassroots_org(c)
    org = c.get(f"/api/v1/orgs/{org_id}").get_json()
    filed = apply(c, payload(rng, org_id))
    taken = c.get(f"/api/v1/hardship/households/{filed['id']}/id-numbers").get_json()["id_number"]
    good = new_id(rng)
    bad_id = good[:17] + ("0" if good[17] != "0" else "1")
    other_tenant_org = "不存在的工会"
    rows = [
        row(rng, org["name"], 身份证号=bad_id),  # check digit
        row(rng, org["name"], 人均月收入="500"),  # contradicts 2400 / 3
        row(rng, org["name"], 家庭月总收入="9000", 人均月收入="3000"),  # meets no rule
        row(rng, org["name"], 身份证号=taken),  # already in an open file
        row(rng, other_tenant_org),  # union not found
        row(rng, org["name"], 建档日期=(china_today() + timedelta(days=3)).isoformat()),
        row(rng, org["name"], 建档日期="2010.1.1"),  # no policy in force then
        row(rng, org["name"], 困难类别="富裕户"),
        row(rng, org["name"]),  # the only good one
    ]
    before = counts(tid)
    batch = upload(c, write_csv(tmp_path / "bad.csv", [HEADER, *rows])).get_json()
    assert batch["status"] == "validated", batch
    assert (batch["valid_rows"], batch["error_rows"]) == (1, 8), [(e["row"], e["message"][:30]) for e in batch["first_errors"]]
    messages = " ".join(e["message"] for e in batch["first_errors"])
    for part in ("校验位", "不一致", "不符合建档标准", filed["file_no"], "不存在或不在您的管辖范围内", "不能晚于今天",
                 "没有生效的帮扶政策", "不是可选值"):
        assert part in messages, part
    done = c.post(f"/api/v1/imports/{batch['id']}/commit", json={}).get_json()
    assert done["status"] == "rejected" and done["created_count"] == 0
    assert counts(tid)["hardship_households"] == before["hardship_households"]


@pytest.mark.usefixtures("inline_jobs")
def test_only_the_federation_imports_and_only_its_own_unions(login_as, rng, tmp_path):
    staff = login_as("org_staff")
    path = write_csv(tmp_path / "x.csv", [HEADER, row(rng, "任意工会")])
    assert upload(staff, path).status_code == 403
    b = login_as("federation_admin", tenant=1)
    a = login_as("federation_admin", tenant=0)
    a_org = a.get(f"/api/v1/orgs/{grassroots_org(a)}").get_json()["name"]
    batch = upload(b, write_csv(tmp_path / "y.csv", [HEADER, row(rng, a_org)])).get_json()
    assert batch["error_rows"] == 1 and "不存在或不在您的管辖范围内" in batch["first_errors"][0]["message"]
