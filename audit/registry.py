"""The registry of audit action names: an event with an unregistered action is refused.

Each app registers its dotted names (e.g. "book.position.opened") from AppConfig.ready.
"""

ACTIONS: dict[str, str] = {}


class UnknownAction(ValueError):
    pass


def register(actions: dict[str, str]) -> None:
    """Register {action: human description}; names are namespaced by app."""
    for name, description in actions.items():
        if name.count(".") < 1:
            raise ValueError(f"audit action {name!r} must be dotted, e.g. app.noun.verb")
        ACTIONS[name] = description


def check(action: str) -> None:
    if action not in ACTIONS:
        raise UnknownAction(f"audit action {action!r} is not registered")


register(
    {
        "audit.digest.published": "Chain heads published outside the database",
        "audit.checkpoint.published": "Signed checkpoint of a chain's Merkle tree published",
        "audit.chains.verified": "Hash chains verified",
        "audit.chain.broken": "A hash chain failed verification (first detection)",
        "auth.token.created": "API token created",
    }
)
