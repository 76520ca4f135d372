"""The current request's id and client IP, for audit events written deep inside services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None


current = ContextVar("pms_request_context", default=RequestContext())  # noqa: B039 (frozen)


def get() -> RequestContext:
    return current.get()
