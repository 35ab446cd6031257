"""What the observability endpoints decide without I/O: request ids and who may read /metrics."""

from __future__ import annotations

import hmac
import ipaddress
import re
import uuid
from collections.abc import Iterable

REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,128}")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def request_id_from(header: str | None) -> str:
    """The caller's `X-Request-ID` when it is safe to log and echo, else a new one.

    Only a short, plain token is taken over: anything else could forge log lines (newlines),
    break a header, or blow up the logs.
    """
    if header is not None and REQUEST_ID_PATTERN.fullmatch(header):
        return header
    return uuid.uuid4().hex


def parse_networks(raw: str) -> tuple[Network, ...]:
    """`METRICS_ALLOW_IPS`: addresses or CIDRs separated by commas or spaces."""
    networks: list[Network] = []
    for item in raw.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"METRICS_ALLOW_IPS: {item!r} is not an IP address or network") from exc
    return tuple(networks)


def metrics_allowed(
    *, token: str, networks: Iterable[Network], authorization: str | None, client_host: str | None
) -> bool:
    """A configured bearer token matches (in constant time), or the client is in a configured network.

    With neither configured nobody may read the metrics: they name routes, jobs and workers.
    """
    if token and authorization is not None:
        scheme, _, presented = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode()):
            return True
    if client_host:
        try:
            address = ipaddress.ip_address(client_host)
        except ValueError:
            return False
        return any(address in network for network in networks)
    return False
