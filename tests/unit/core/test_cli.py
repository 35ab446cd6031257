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


def test_serve_announce_prints_one_line_once_the_first_page_answers(capsys) -> None:  # type: ignore[no-untyped-def]
    # `make run` serves with --announce: its last step line names the address "/" answered at.
    import http.server
    import threading

    from core.cli import _announce_first_page

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        _announce_first_page("0.0.0.0", port, timeout=30)  # noqa: S104 - a wildcard bind is asked on loopback
    finally:
        server.shutdown()
        server.server_close()
    line = capsys.readouterr().out.strip()
    assert line.startswith("serve ")
    assert line.endswith(f"s  first page at http://127.0.0.1:{port}/")
