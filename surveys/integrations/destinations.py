"""Where a webhook may be sent: the one place that decides (SSRF defence).

Checked when an endpoint is saved *and* at every send, because DNS can change
(DNS rebinding): ``destination_resolve`` resolves the host once, refuses the
whole destination if any address is not a public one, and the sender then
connects to exactly the address checked here, never resolving again.

Production: HTTPS only, public addresses only. With
``WEBHOOK_ALLOW_LOOPBACK`` (development and tests) an endpoint may also be
on loopback, over plain HTTP or HTTPS; private, link-local and other special
addresses are refused everywhere.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(Exception):
    """A URL webhooks may not be sent to; `code` names the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Destination:
    scheme: str
    host: str  # as written in the URL (Host header, TLS server name)
    port: int
    path: str  # path and query
    address: str  # the checked IP address to connect to


def _plain(ip: IPAddress) -> IPAddress:
    """An IPv4-mapped or -compatible IPv6 address as the IPv4 address it stands for."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
        # NAT64 well-known prefix 64:ff9b::/96 carries an IPv4 address in its low 32 bits.
        if ip in ipaddress.IPv6Network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_problem(ip: IPAddress) -> str | None:
    """Why webhooks may not go to `ip` ("loopback", "private", …), or None."""
    ip = _plain(ip)
    if ip.is_loopback:
        return None if settings.WEBHOOK_ALLOW_LOOPBACK else "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        return "private"
    return None


def url_problem(url: str) -> DestinationRefused | None:
    """What is wrong with the URL itself (scheme, host, credentials), before DNS."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return DestinationRefused("invalid", "Enter a valid URL.")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return DestinationRefused("invalid", "Enter an https:// URL.")
    if parts.username or parts.password:
        return DestinationRefused("credentials", "Leave user names and passwords out of the URL.")
    if port == 0:
        return DestinationRefused("invalid", "Enter a valid port.")
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DestinationRefused("unresolvable", f"The host does not resolve ({exc}).") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def destination_resolve(url: str) -> Destination:
    """Resolve and check `url`; the address to connect to, or DestinationRefused."""
    problem = url_problem(url)
    if problem is not None:
        raise problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not addresses:
        raise DestinationRefused("unresolvable", "The host does not resolve.")
    for ip in addresses:
        reason = address_problem(ip)
        if reason is not None:
            raise DestinationRefused(
                reason, f"The host resolves to a {reason.replace('_', '-')} address ({ip})."
            )
    if parts.scheme == "http" and not all(_plain(ip).is_loopback for ip in addresses):
        raise DestinationRefused("https_required", "Enter an https:// URL.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Destination(
        scheme=parts.scheme, host=host, port=port, path=path, address=str(addresses[0])
    )
