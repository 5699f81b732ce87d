"""The URL rule of ``wp_safe_remote_request``, which WooCommerce sends webhooks and pings with (spec A6.2).

WordPress (``wp_http_validate_url``, 6.4) refuses a URL, with the WP_Error "A valid URL was not provided.",
when it is not http(s), has user info or an IPv6 literal host, names a host that does not resolve, or — unless
the host is the site's own home host — whose IPv4 address (the literal, or ``gethostbyname``) is in 0/8, 10/8,
127/8, 172.16/12 or 192.168/16; and when it names a port other than 80, 443 and 8080 (the home URL's own port
is also fine for the home host). A real store pointed at a sidecar on ``http://127.0.0.1:8775`` therefore
refuses every delivery until the site adds two filters: ``http_request_host_is_external`` (the host counts as
external) and ``http_allowed_safe_ports`` (one more port for that host). The sandbox's option
``webhook_allowed_hosts`` stands for those filters: a list of ``"host:port"`` (or bare ``"host"``) strings;
each listed host counts as external and, with a port, that port is safe for URLs to that host.

Written from WordPress's behaviour, not imported from the plugin that adds the filters.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

REFUSED = "A valid URL was not provided."  # WP_Http::request()'s message when reject_unsafe_urls refuses
SAFE_PORTS = (80, 443, 8080)
LOCAL_NETWORKS = tuple(ipaddress.ip_network(net) for net in
                       ("0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def parse_allowance(entries) -> dict[str, set[int]]:
    """``["127.0.0.1:8775", "hooks.internal"]`` → ``{"127.0.0.1": {8775}, "hooks.internal": set()}``; a
    comma-separated string is read as that list (``--option webhook_allowed_hosts=127.0.0.1:8775``).

    Raises ValueError naming the bad entry, so ``/_sandbox/config`` can answer a clear 400."""
    if entries is None:
        return {}
    if isinstance(entries, str):
        entries = [part for part in entries.split(",") if part.strip()]
    if not isinstance(entries, list):
        entries = [entries]  # e.g. {"127.0.0.1": 8775}: refused below as an entry that is not a string
    allowed: dict[str, set[int]] = {}
    for entry in entries:
        host, port = _split_entry(entry)
        allowed.setdefault(host, set()).update({port} if port is not None else set())
    return allowed


def _split_entry(entry) -> tuple[str, int | None]:
    if not isinstance(entry, str) or not entry.strip(". ") or "/" in entry:
        raise ValueError(f"webhook_allowed_hosts entry {entry!r} is not \"host:port\" or \"host\"")
    host, sep, port = entry.strip().rpartition(":")
    if not sep:
        return entry.strip().strip(".").lower(), None
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"webhook_allowed_hosts entry {entry!r} is not \"host:port\" or \"host\"")
    return host.strip(".").lower(), int(port)


def is_safe_url(url: str, home: str, allowed: dict[str, set[int]] | None = None) -> bool:
    """Whether ``wp_http_validate_url`` passes ``url`` on a site whose home URL is ``home``, with the site's
    filters answering as ``allowed`` (see :func:`parse_allowance`) says."""
    allowed = allowed or {}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    raw_host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not raw_host:
        return False
    if parts.username is not None or parts.password is not None or "[" in parts.netloc or ":" in raw_host:
        return False  # user info, or an IPv6 literal: strpbrk(host, ':#?[]') refuses it whatever the filters
    home_parts = urlsplit(home or "")
    same_host = (home_parts.hostname or "").lower() == raw_host.lower()
    host = raw_host.strip(".").lower()
    if not same_host and not _external(host, allowed):
        return False
    if port is None or port in SAFE_PORTS or port in allowed.get(host, set()):
        return True
    return same_host and home_parts.port is not None and home_parts.port == port


def _external(host: str, allowed: dict[str, set[int]]) -> bool:
    """The host check: a literal or resolved IPv4 address outside the local ranges, or a host the site's
    ``http_request_host_is_external`` filter lets through. A name that does not resolve is refused."""
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.gethostbyname(host))  # IPv4 only, as PHP's gethostbyname
        except (OSError, ValueError, UnicodeError):
            return False
    if not any(address in network for network in LOCAL_NETWORKS):
        return True
    return host in allowed


def is_loopback(url: str) -> bool:
    """The sandbox's own limit (not WordPress's): it sends only to this machine unless ``webhook_any_host``."""
    host = (urlsplit(url).hostname or "").strip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
