"""Who is asking: the client address and a request id that are safe to log and to audit.

Headers are the client's to write. `X-Forwarded-For` names the client only when the direct
peer is one of our own proxies (TRUSTED_PROXIES); `X-Request-ID` lands in logs and audit rows,
so only a short, plain one is taken as given.
"""

import ipaddress
import re
import uuid
from functools import lru_cache

from django.conf import settings

_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def request_id(request) -> str:
    """The caller's X-Request-ID when it is at most 64 of [A-Za-z0-9._-], else a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def client_ip(request) -> str | None:
    """REMOTE_ADDR; when that peer is a trusted proxy, the nearest X-Forwarded-For hop that is not.

    Hops are read right to left (each proxy appends the address it saw), so a client cannot
    choose its address by sending its own X-Forwarded-For: only what our proxies wrote counts.
    A malformed hop stops the walk at the last proxy that was trusted.
    """
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None or not is_trusted_proxy(peer):
        return str(peer) if peer else None
    found = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break
        found = address
        if not is_trusted_proxy(address):
            break
    return str(found)


def is_trusted_proxy(address: IPAddress) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address
