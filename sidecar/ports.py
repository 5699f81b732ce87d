"""Say which address is taken before starting a server on it, in one line, instead of failing later and vaguely."""

from __future__ import annotations

import errno
import socket


def split_bind(bind: str) -> tuple[str, int]:
    host, _, port = bind.rpartition(":")
    return (host.strip("[]") or "127.0.0.1"), int(port)


def address_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port`` (a socket in TIME_WAIT does not count: servers set
    SO_REUSEADDR, and so does this check)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def in_use_message(host: str, port: int, hint: str) -> str:
    return f"{host}:{port} is already in use by another process — stop it or {hint}"


def check_free(host: str, port: int, hint: str) -> str | None:
    """The one-line error when ``host:port`` is taken, else None."""
    return in_use_message(host, port, hint) if address_in_use(host, port) else None
