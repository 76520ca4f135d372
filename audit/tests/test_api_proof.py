"""A client recomputes an event's hash from the proof data alone, without trusting the server."""

import hashlib
import json

URL = "/api/v1/audit/events/{}"


def test_the_hash_recomputes_from_prev_hash_and_canonical(api, trail):
    for event in trail:
        proof = api["audrey"].get(URL.format(event.pk)).json()
        recomputed = hashlib.sha256(proof["prev_hash"].encode("ascii") + proof["canonical"].encode("utf-8"))
        assert recomputed.hexdigest() == proof["hash"] == event.hash
        assert proof["verified"] is True and proof["computed_hash"] == event.hash


def test_the_canonical_text_is_sorted_compact_json_of_the_row(api, trail):
    proof = api["audrey"].get(URL.format(trail[0].pk)).json()
    content = json.loads(proof["canonical"])
    assert proof["canonical"] == json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content == proof["canonical_content"]
    assert content["occurred_at"] == "2026-11-01T09:00:00.000000Z"
    assert (content["chain"], content["seq"], content["actor"]) == ("audittest", 1, "pam")
    assert "Zürich €" in proof["canonical"]  # UTF-8, not \\u escapes


def test_the_chain_links_through_the_proofs(api, trail):
    first, second = (api["audrey"].get(URL.format(e.pk)).json() for e in trail[:2])
    assert first["prev_hash"] == "0" * 64 and second["prev_hash"] == first["hash"]


def test_unknown_event_is_a_json_404(api, trail):
    response = api["audrey"].get(URL.format(trail[-1].pk + 1000))
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_unknown_parameter_on_detail_is_400(api, trail):
    response = api["audrey"].get(URL.format(trail[0].pk), {"expand": "all"})
    assert response.status_code == 400 and "expand" in response.json()["fields"]
