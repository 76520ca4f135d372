"""`pms-audit verify`'s recomputation of an exported chain, in worker processes.

Every event's hash depends only on its own content and its stored prev_hash, so blocks of
the NDJSON export are parsed and hashed independently (`hash_block`, in a process pool) and
joined in order (`Chain.take`): each block's first event must follow the previous block's
last (the seam), and the leaves go into one Merkle frontier. The result, and every message,
is what one sequential pass over the rows gives; memory stays constant (a few blocks in flight).
"""

import hashlib
import json
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from operator import itemgetter

from . import canonical, merkle

BLOCK_BYTES = 1 << 22  # about 10,000 events handed to a worker at a time
GENESIS = "0" * 64
# The form the server exports (and the canonical form): no parsing needed. Anything else is parsed.
CANONICAL_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
CONTENT = ("chain", "seq", *canonical.EVENT_FIELDS)
_content = itemgetter(*CONTENT)


class ChainFailed(ValueError):
    """The export does not verify; the message names the row and what is wrong."""


_scan = json.JSONDecoder().scan_once  # json.loads' parser (C), without its per-call wrappers
_string = json.encoder.encode_basestring  # json.dumps' text of a str with ensure_ascii=False (C)


def _encoder():
    """json.dumps' canonical encoding of any JSON value, its C encoder made once: JSONEncoder.encode makes
    one per call, which costs more than encoding a small payload."""
    options = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    make = json.encoder.c_make_encoder
    if make is None:  # an interpreter without the C accelerator
        return options.encode
    chunks = make(None, options.default, _string, None, ":", ",", True, False, True)  # as JSONEncoder.iterencode
    return lambda value: "".join(chunks(value, 0))


_value = _encoder()


def _read(line: bytes):
    """json.loads(line). A line that starts with `{` and a non-NUL byte is UTF-8 to json.loads' detection;
    a line the parser does not take whole goes through json.loads itself, for its exact error."""
    if line[:1] == b"{" and len(line) > 1 and line[1]:
        text = line.decode("utf-8", "surrogatepass")
        try:
            value, end = _scan(text, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(text) or not text[end:].strip(" \t\n\r"):
                return value
    return json.loads(line)


def _canonical(event: dict) -> bytes:
    """canonical.dumps of the event's content; the exported shape (strings, an int seq) rendered directly."""
    chain, seq, moment, actor, action, subject_type, subject_id, payload, request_id, client_ip = _content(event)
    if not CANONICAL_MOMENT.fullmatch(moment):
        moment = canonical.moment(moment)
    if type(seq) is not int or not (client_ip is None or type(client_ip) is str):
        return canonical.dumps(dict(zip(CONTENT, (chain, seq, moment, *_content(event)[3:]), strict=True)))
    try:  # keys in sorted order, as sort_keys puts them
        return (
            f'{{"action":{_string(action)},"actor":{_string(actor)},"chain":{_string(chain)},'
            f'"client_ip":{"null" if client_ip is None else _string(client_ip)},"occurred_at":"{moment}",'
            f'"payload":{_value(payload)},"request_id":{_string(request_id)},"seq":{seq},'
            f'"subject_id":{_string(subject_id)},"subject_type":{_string(subject_type)}}}'
        ).encode()
    except TypeError:  # a field that is not a string: the generic serialization says what it is
        return canonical.dumps(dict(zip(CONTENT, (chain, seq, moment, *_content(event)[3:]), strict=True)))


def event_hash(event: dict) -> str:
    """The event's hash recomputed from its content (docs/hash-chain.md), not the one the server sent."""
    return hashlib.sha256(event["prev_hash"].encode("ascii") + _canonical(event)).hexdigest()


@dataclass
class Block:
    """What one block of export lines gave: its first event, its last verified one, their leaves, a failure."""

    first: tuple | None = None  # (seq, id, prev_hash)
    last: tuple | None = None  # (seq, hash)
    leaves: bytes = b""  # 32-byte leaf hashes of the verified events, in order
    problem: str | None = None


def hash_block(data: bytes, log: str) -> Block:
    """Parse and check the events of whole NDJSON lines: seq and prev_hash follow within the block, hashes recompute."""
    block, leaves, seq, prev = Block(), [], None, None
    sha256, add = hashlib.sha256, leaves.append
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            event = _read(line)
            body = _canonical(event)
            digest = sha256(event["prev_hash"].encode("ascii") + body).digest()
            event_seq, event_id, event_prev = event["seq"], event["id"], event["prev_hash"]
            start = event_seq - 1
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            after = f"after seq {seq}" if seq is not None else "at the start of a block"
            block.problem = f"{log}: a line {after} is not an audit event as exported: {exc!r}"
            break
        if seq is None:
            block.first, seq, prev = (event_seq, event_id, event_prev), start, event_prev
        recomputed = digest.hex()
        if event_seq != seq + 1 or event_prev != prev or recomputed != event["hash"]:
            where = f"{log} seq {seq + 1}"
            if event_seq != seq + 1:
                block.problem = f"{where}: the export has seq {event_seq} here: rows missing or out of order"
            elif event_prev != prev:
                block.problem = f"{where} (event {event_id}): prev_hash does not link to the previous row"
            else:
                block.problem = f"{where} (event {event_id}): content hashes to {recomputed}, stored {event['hash']}"
            break
        add(sha256(b"\x00" + digest).digest())  # merkle.leaf_hash of the entry
        seq, prev = event_seq, recomputed
    if seq is not None and leaves:
        block.last = (seq, prev)
    block.leaves = b"".join(leaves)
    return block


class Chain:
    """The blocks joined in order: seams, the frontier, and the kept checkpoint's root at its size."""

    def __init__(self, log: str, kept_size: int, kept_root: bytes) -> None:
        self.log, self.kept_size, self.kept_root = log, kept_size, kept_root
        self.frontier, self.prev = merkle.Frontier(), GENESIS

    def take(self, block: Block) -> None:
        if block.first is not None:
            seq, event_id, prev_hash = block.first
            where = f"{self.log} seq {self.frontier.size + 1}"
            if seq != self.frontier.size + 1:
                raise ChainFailed(f"{where}: the export has seq {seq} here: rows missing or out of order")
            if prev_hash != self.prev:
                raise ChainFailed(f"{where} (event {event_id}): prev_hash does not link to the previous row")
        leaves = block.leaves
        for start in range(0, len(leaves), 32):
            self.frontier.push(leaves[start : start + 32])
            if self.frontier.size == self.kept_size and self.frontier.root() != self.kept_root:
                raise ChainFailed(
                    f"{self.log}: the first {self.kept_size} rows do not have the kept checkpoint's root: "
                    "history was rewritten (and re-hashed)"
                )
        if block.last is not None:
            self.prev = block.last[1]
        if block.problem:
            raise ChainFailed(block.problem)


def blocks(stream) -> Iterator[bytes]:
    """Whole lines of a binary stream, about BLOCK_BYTES at a time."""
    rest = b""
    while data := stream.read(BLOCK_BYTES):
        lines, _, rest = (rest + data).rpartition(b"\n")
        if lines:
            yield lines
    if rest:
        yield rest


def _ordered(pool: Executor, log: str, chunks: Iterable[bytes], window: int) -> Iterator[Block]:
    """Blocks hashed by the pool, in order, with at most `window` in flight (constant memory)."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append(pool.submit(hash_block, chunk, log))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def verify_stream(stream, log: str, kept_size: int, kept_root: bytes, workers: int | None = None) -> int:
    """Recompute an exported chain; raise ChainFailed naming the first failure; return the rows verified."""
    chain = Chain(log, kept_size, kept_root)
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        for chunk in blocks(stream):
            chain.take(hash_block(chunk, log))
        return chain.frontier.size
    # spawn, as on macOS and Windows: fresh workers that import only this package, never a fork of threads.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for block in _ordered(pool, log, blocks(stream), window=2 * workers):
            chain.take(block)
    return chain.frontier.size
