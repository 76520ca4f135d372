"""An auditor verifies every chain through the API and keeps the heads as a digest."""

import pytest

URL = "/api/v1/audit/verify"


def test_every_chain_reports_rows_and_head(api, trail):
    body = api["audrey"].get(URL).json()
    chains = {c["chain"]: c for c in body["chains"] if c["table"] == "audit_event"}
    assert body["ok"] is True and body["verified_at"]
    assert chains["audittest"] == {
        "table": "audit_event",
        "chain": "audittest",
        "rows": 6,
        "head_seq": 6,
        "head_hash": trail[7].hash,
        "ok": True,
        "broken": None,
    }
    assert chains["audittestother"]["rows"] == 2 and chains["audittestother"]["head_hash"] == trail[6].hash


@pytest.mark.postgres
def test_a_rewritten_row_shows_as_broken(api, trail, superuser_sql):
    superuser_sql("UPDATE audit_event SET payload = '{\"qty\": 300}' WHERE id = %s", [trail[0].pk])
    body = api["audrey"].get(URL).json()
    broken = next(c for c in body["chains"] if c["chain"] == "audittest")
    assert body["ok"] is False and broken["ok"] is False and broken["rows"] == 0
    assert broken["broken"]["id"] == trail[0].pk and broken["broken"]["seq"] == 1
    assert broken["broken"]["field"] == "hash" and broken["broken"]["found"] == trail[0].hash


def test_unknown_parameter_is_400(api, trail):
    response = api["audrey"].get(URL, {"chain": "audittest"})
    assert response.status_code == 400 and "chain" in response.json()["fields"]
