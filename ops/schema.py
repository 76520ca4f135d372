"""OpenAPI: the cached token authentication is the same `Authorization: Token KEY` scheme."""

from drf_spectacular.authentication import TokenScheme


class CachedTokenScheme(TokenScheme):
    """Named apart from DRF's tokenAuth: spectacular refuses two classes under one name."""

    target_class = "ops.authentication.CachedTokenAuthentication"
    name = "cachedTokenAuth"
    priority = 1
