"""Employer import: synonyms, upsert by credit code, the shared rules, scope."""

from __future__ import annotations

import pytest

from .conftest import upload, write_csv, write_xlsx

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("inline_jobs")]

HEADER = ["企业名称", "信用代码", "企业性质", "职工总数", "女职工数", "所在乡镇", "所属工会", "联系电话"]


def test_upsert_by_credit_code_and_idempotent_reimport(login_as, tmp_path, new_codes):
    c = login_as("federation_admin")
    town = c.get("/api/v1/orgs?org_type=township&page_size=1").get_json()[0]
    union = c.get("/api/v1/orgs?org_type=grassroots&page_size=1").get_json()[0]
    codes = new_codes(3)
    rows = [[f"新乡县测试企业{i}有限公司", code, "民营", 30 + i, 10, town["name"], union["name"] if i == 0 else None,
             "0373-5551234"] for i, code in enumerate(codes)]
    path = write_csv(tmp_path / "单位.csv", [HEADER, *rows], encoding="gbk")
    batch = upload(c, path, kind="employers").get_json()
    assert batch["status"] == "validated" and batch["error_rows"] == 0, batch
    done = c.post(f"/api/v1/imports/{batch['id']}/commit", json={}).get_json()
    assert done["status"] == "committed" and done["created_count"] == 3
    found = c.get(f"/api/v1/employers?q={codes[0]}").get_json()[0]
    assert found["ownership_type"] == "private" and found["staff_count"] == 30
    assert found["union_status"] == "founded" and found["covering_org_id"] == union["id"]
    assert found["township_org_id"] == town["id"]

    again = upload(c, path, kind="employers").get_json()
    done = c.post(f"/api/v1/imports/{again['id']}/commit", json={}).get_json()
    assert (done["created_count"], done["updated_count"], done["unchanged_count"]) == (0, 0, 3)
    assert c.get(f"/api/v1/employers/{found['id']}").get_json()["version"] == found["version"]

    # a blank cell keeps the stored value; a changed one updates
    rows[0][3], rows[0][2] = 99, None
    path = write_xlsx(tmp_path / "单位2.xlsx", [HEADER, *rows])
    third = upload(c, path, kind="employers").get_json()
    done = c.post(f"/api/v1/imports/{third['id']}/commit", json={}).get_json()
    assert (done["created_count"], done["updated_count"], done["unchanged_count"]) == (0, 1, 2)
    updated = c.get(f"/api/v1/employers/{found['id']}").get_json()
    assert updated["staff_count"] == 99 and updated["ownership_type"] == "private"


def test_shared_rules_and_required_for_new(login_as, tmp_path, new_codes):
    c = login_as("federation_admin")
    a, b, d = new_codes(3)
    path = write_xlsx(tmp_path / "e.xlsx", [
        ["单位名称", "统一社会信用代码", "单位性质", "职工人数", "女职工人数", "建会状态"],
        ["甲公司", a, "私营企业", 10, 20, None],
        ["乙公司", b, None, 10, 0, None],
        ["丙公司", d, "私营企业", 10, 0, "已建会"],
        ["丁公司", a[:17] + ("0" if a[17] != "0" else "1"), "私营企业", 10, 0, None],
    ])
    batch = upload(c, path, kind="employers").get_json()
    texts = [e["text"] for e in batch["first_errors"]]
    assert texts == [
        "第2行 女职工人数：女职工人数不能超过职工总数",
        "第3行 单位性质：新登记的单位须填写单位性质",
        "第4行 所属工会：已建会或联合建会的单位须填写所属工会",
        f"第5行 统一社会信用代码：校验位错误（应为{a[17]}）",
    ], texts


def test_scope_of_an_org_staff_user(login_as, tmp_path, new_codes):
    admin = login_as("federation_admin")
    staff = login_as("org_staff")
    mine = {e["credit_code"] for e in staff.get("/api/v1/employers?page_size=100").get_json()}
    foreign = next(e for e in admin.get("/api/v1/employers?page_size=100").get_json() if e["credit_code"] not in mine)
    [fresh] = new_codes(1)
    path = write_xlsx(tmp_path / "s.xlsx", [
        ["单位名称", "统一社会信用代码", "单位性质", "职工人数"],
        [foreign["name"], foreign["credit_code"], "私营企业", 5],
        ["新公司", fresh, "私营企业", 5],
    ])
    batch = upload(staff, path, kind="employers").get_json()
    texts = [e["text"] for e in batch["first_errors"]]
    assert "第2行 统一社会信用代码：该单位已由其他工会登记，不在您的管辖范围内，不能修改" in texts
    assert "第3行 所在乡镇（街道）：请填写您管辖范围内的所在乡镇(街道)或所属工会" in texts
    # a user without employers.write cannot import employers
    chair = login_as("grassroots_chair")
    assert upload(chair, path, kind="employers").status_code == 403
