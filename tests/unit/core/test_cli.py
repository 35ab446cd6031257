"""The socket `serve` binds for several workers."""

from __future__ import annotations

import socket

from core.cli import _Config
from core.settings import served_base_url


def test_the_socket_bound_for_several_workers_sends_without_waiting_for_acks() -> None:
    # Without TCP_NODELAY every response of a multi-worker server waited ~40 ms for the
    # client's delayed ACK (bench/load.py: 724 req/s flat at 44 ms for a JSON hello).
    config = _Config("core.app:create_app", factory=True, host="127.0.0.1", port=0, workers=2)
    sock = config.bind_socket()
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        sock.listen()  # as each worker does
        client = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        try:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        finally:
            accepted.close()
            client.close()
    finally:
        sock.close()


def test_the_served_address_is_the_default_base_url() -> None:
    assert served_base_url("127.0.0.1", 8101) == "http://127.0.0.1:8101"
    assert served_base_url("localhost", 80) == "http://localhost"


def test_a_wildcard_bind_is_reached_by_the_machine_name() -> None:
    assert served_base_url("0.0.0.0", 8000, hostname="box.lan") == "http://box.lan:8000"  # noqa: S104
    assert served_base_url("::", 8000, hostname="box.lan") == "http://box.lan:8000"


def test_an_ipv6_address_is_bracketed() -> None:
    assert served_base_url("::1", 8000) == "http://[::1]:8000"
