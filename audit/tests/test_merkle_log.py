"""Each chain is a Merkle tree: signed C2SP checkpoints, RFC 9162 proofs over REST, checked with the
client's own module (pms_audit) against the signing key's public half only."""

import base64

import pytest
from django.core.management import call_command

from audit import services, tasks, tree
from audit.models import Event, MerkleNode
from audit.signing import signing_key
from pms_audit import merkle, note

LATEST, AT = "/api/v1/audit/checkpoints/latest", "/api/v1/audit/checkpoints/{}"
INCLUSION, CONSISTENCY = "/api/v1/audit/proofs/inclusion", "/api/v1/audit/proofs/consistency"
LOG = "audit_event/audittest"


def leaves(chain: str) -> list[bytes]:
    hashes = Event.objects.filter(chain=chain).order_by("seq").values_list("hash", flat=True)
    return [merkle.leaf_hash(bytes.fromhex(h)) for h in hashes]


def checkpoint(api, log=LOG) -> note.Checkpoint:
    body = api["audrey"].get(LATEST, {"chain": log}).json()
    return note.open_checkpoint(body["checkpoints"][0]["note"], signing_key().public_key())


def b(items: list[str]) -> list[bytes]:
    return [base64.b64decode(h) for h in items]


def test_a_published_checkpoint_is_a_signed_note_of_the_recomputed_root(api, trail, people):
    published = services.checkpoints_publish(actor=people["oscar"])
    assert {"log": LOG, "tree_size": 6} in published
    kept = checkpoint(api)
    assert (kept.origin, kept.size, kept.root) == ("pms-ops/" + LOG, 6, merkle.root_of(leaves("audittest")))
    event = Event.objects.get(action="audit.checkpoint.published", subject_id=LOG)
    assert event.actor == "oscar" and event.payload["tree_size"] == 6
    text = event.payload["note"]
    assert text.startswith(f"pms-ops/{LOG}\n6\n{base64.b64encode(kept.root).decode()}\n\n\u2014 pms-ops ")


def test_nothing_is_republished_until_the_tree_grows(trail, people):
    services.checkpoints_publish(actor="system:tests")
    again = services.checkpoints_publish(actor="system:tests")
    assert [item["log"] for item in again] == ["audit_event/audit"]  # only the chain the checkpoints grew


def test_the_tree_extends_with_stored_perfect_subtrees_only(trail, people, clock):
    services.checkpoints_publish(actor="system:tests")
    stored_before = MerkleNode.objects.filter(table="audit_event", chain="audittest").count()
    assert stored_before == 6 + 3 + 1  # 6 leaves, three pairs, one four-leaf subtree
    for _ in range(2):
        services.event_record(actor=people["pam"], action="audittest.thing.created", subject_id="9")
    assert tree.tree_extend(Event, "audittest") == 8
    assert MerkleNode.objects.filter(table="audit_event", chain="audittest").count() == 8 + 4 + 2 + 1
    assert tree.root("audit_event", "audittest", 8) == merkle.root_of(leaves("audittest"))
    assert tree.root("audit_event", "audittest", 6) == merkle.root_of(leaves("audittest")[:6])


def test_inclusion_proof_of_every_event_verifies_against_the_checkpoint(api, trail):
    services.checkpoints_publish(actor="system:tests")
    kept = checkpoint(api)
    for event in [e for e in trail if e.chain == "audittest"]:
        body = api["audrey"].get(INCLUSION, {"chain": LOG, "event": event.pk, "tree_size": kept.size}).json()
        assert body["leaf_index"] == event.seq - 1
        leaf = merkle.leaf_hash(bytes.fromhex(event.hash))
        merkle.verify_inclusion(body["leaf_index"], kept.size, leaf, b(body["inclusion_path"]), kept.root)


def test_consistency_proof_shows_the_new_checkpoint_extends_the_old(api, trail, people):
    services.checkpoints_publish(actor="system:tests")
    old = checkpoint(api)
    services.event_record(actor=people["pam"], action="audittest.thing.created", subject_id="10")
    services.checkpoints_publish(actor="system:tests")
    new = checkpoint(api)
    assert new.size == old.size + 1
    body = api["audrey"].get(CONSISTENCY, {"chain": LOG, "first": old.size, "second": new.size}).json()
    merkle.verify_consistency(old.size, new.size, b(body["consistency_path"]), old.root, new.root)
    at_old = api["audrey"].get(AT.format(old.size), {"chain": LOG}).json()
    assert note.open_checkpoint(at_old["note"], signing_key().public_key()) == old


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (INCLUSION, {"chain": "audit_event/nope", "event": 1, "tree_size": 1}, None),
        (INCLUSION, {"chain": "nosuchtable/x", "event": 1, "tree_size": 1}, "chain"),
        (INCLUSION, {"chain": LOG, "event": 1, "tree_size": 99}, "tree_size"),
        (INCLUSION, {"chain": LOG, "event": "x", "tree_size": 1}, "event"),
        (INCLUSION, {"chain": LOG, "event": 1, "tree_size": 0}, "tree_size"),
        (INCLUSION, {"chain": LOG, "event": 1}, "tree_size"),
        (CONSISTENCY, {"chain": LOG, "first": 4, "second": 2}, "first"),
        (CONSISTENCY, {"chain": LOG, "first": 2, "second": 50}, "second"),
        (CONSISTENCY, {"chain": LOG, "first": 7, "second": 8}, "first"),
        (CONSISTENCY, {"chain": LOG, "first": 50, "second": 50}, "first"),
        (CONSISTENCY, {"chain": LOG, "first": 2, "second": 3, "third": 4}, "third"),
        (LATEST, {"chain": "audit_event"}, "chain"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(api, trail, url, params, field):
    services.checkpoints_publish(actor="system:tests")
    response = api["audrey"].get(url, params)
    if field is None:  # a well-formed name of a chain with no tree: nothing to prove, 400 on the size
        assert response.status_code == 400 and "tree_size" in response.json()["fields"]
        return
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


def test_an_event_after_the_tree_size_or_of_another_chain_is_refused(api, trail):
    services.checkpoints_publish(actor="system:tests")
    late = [e for e in trail if e.chain == "audittest"][-1]
    response = api["audrey"].get(INCLUSION, {"chain": LOG, "event": late.pk, "tree_size": 2})
    assert response.status_code == 400 and "event" in response.json()["fields"]
    first = next(e for e in trail if e.chain == "audittest")
    response = api["audrey"].get(INCLUSION, {"chain": LOG, "event": first.pk, "tree_size": 7})  # a tree of 6
    assert response.status_code == 400 and "Beyond the tree" in response.json()["fields"]["tree_size"][0]
    other = next(e for e in trail if e.chain == "audittestother")
    response = api["audrey"].get(INCLUSION, {"chain": LOG, "event": other.pk, "tree_size": 6})
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_only_ops_publish_on_demand_and_readers_read(api, trail):
    assert api["pam"].get(LATEST).status_code == 403
    assert api["audrey"].post("/api/v1/audit/checkpoints").status_code == 403
    response = api["oscar"].post("/api/v1/audit/checkpoints")
    assert response.status_code == 201 and {"log": LOG, "tree_size": 6} in response.json()["published"]
    logs = {c["chain"] for c in api["audrey"].get(LATEST).json()["checkpoints"]}
    assert {LOG, "audit_event/audittestother"} <= logs


def test_the_management_command_publishes(trail, capsys):
    call_command("publish_checkpoint")
    assert f"{LOG}: tree size 6" in capsys.readouterr().out


def test_a_retried_publish_with_its_idempotency_key_publishes_once(api, trail):
    first = api["oscar"].post("/api/v1/audit/checkpoints", HTTP_IDEMPOTENCY_KEY="publish-1")
    again = api["oscar"].post("/api/v1/audit/checkpoints", HTTP_IDEMPOTENCY_KEY="publish-1")
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Event.objects.filter(action="audit.checkpoint.published", subject_id=LOG).count() == 1


def test_a_proof_reads_a_few_stored_nodes_in_one_query(api, trail, django_assert_max_num_queries):
    services.checkpoints_publish(actor="system:tests")
    event = next(e for e in trail if e.chain == "audittest")
    api["audrey"].get(LATEST, {"chain": LOG})  # the token and the role are looked up once per request
    with django_assert_max_num_queries(6) as queries:
        response = api["audrey"].get(INCLUSION, {"chain": LOG, "event": event.pk, "tree_size": 6})
    assert response.status_code == 200
    assert sum("audit_merklenode" in q["sql"] for q in queries.captured_queries) == 1  # the nodes; they imply the size


@pytest.mark.parametrize("params", [{"event": 2**63, "tree_size": 1}, {"event": 1, "tree_size": 10**30}])
def test_numbers_beyond_a_bigint_are_a_400(api, trail, params):
    services.checkpoints_publish(actor="system:tests")
    response = api["audrey"].get(INCLUSION, {"chain": LOG, **params})
    assert response.status_code == 400 and set(params) & set(response.json()["fields"])


def test_beat_publishes_on_its_schedule(trail, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint-publish"]
    assert entry == {"task": "audit.checkpoints_publish", "schedule": settings.AUDIT_CHECKPOINT_INTERVAL_SECONDS}
    assert {"log": LOG, "tree_size": 6} in tasks.checkpoints_publish.apply().get()
    assert Event.objects.get(action="audit.checkpoint.published", subject_id=LOG).actor == "system:beat"
