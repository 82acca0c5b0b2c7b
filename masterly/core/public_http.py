"""GET a document from a public web address, and from nowhere else.

Every address is checked before any connection is made: the scheme (http or https only), then
the host name is resolved once and *every* address it resolves to must be public
(``public_addresses``). The connection then goes to one of those checked addresses, never to
the host name again, so a DNS answer that changes between the check and the connection (DNS
rebinding) gains nothing. Each redirect is checked the same way. A refused address is refused
before connecting, with a message that does not depend on whether anything listens there, so
the messages reveal nothing about internal ports.

Hosts in ``allowed_hosts`` (exact host names, as written in the address) skip the public check:
a district's own server on its network, or a test server on loopback. Production leaves the
list empty. Proxies from the environment are not used: the address connected to must be the
one checked.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from collections.abc import Collection
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from masterly.core.public_addresses import refusal

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"


class DownloadError(Exception):
    """The document was not downloaded; ``message`` says why, for the person who asked."""

    def __init__(
        self, message: str, *, refused_address: bool = False, too_large: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        # True when the address was refused as not public (nothing was connected to).
        self.refused_address = refused_address
        # True when the document is larger than ``Limits.max_bytes``: the caller names its cap.
        self.too_large = too_large


@dataclass(frozen=True)
class CheckedAddress:
    """A web address whose host resolved only to addresses Masterly may connect to."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    ip_addresses: tuple[str, ...]


def check_address(url: str, *, allowed_hosts: Collection[str] = ()) -> CheckedAddress:
    """Resolve ``url``'s host and check every address; raises DownloadError if any is refused."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise DownloadError(_("%(url)s is not a valid web address.") % {"url": url}) from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise DownloadError(
            _("%(url)s is not an http:// or https:// address; only those are downloaded.")
            % {"url": url}
        )
    host = parts.hostname
    if not host:
        raise DownloadError(_("%(url)s has no host name.") % {"url": url})
    port = port or (443 if scheme == "https" else 80)
    ip_addresses = _resolve(host, port)
    if host not in {allowed.lower() for allowed in allowed_hosts}:
        for ip in ip_addresses:
            kind = refusal(ipaddress.ip_address(ip))
            if kind is not None:
                raise DownloadError(_refused(host, ip, kind), refused_address=True)
    # Already-escaped characters are kept; spaces and non-ASCII text are escaped for the wire.
    request_path = urllib.parse.quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        request_path += "?" + urllib.parse.quote(parts.query, safe=_URL_SAFE)
    return CheckedAddress(url, scheme, host, port, request_path, ip_addresses)


def _refused(host: str, ip: str, kind: str) -> str:
    # Names only the host and what it resolves to: never the port, never whether it is open.
    if host == ip:
        message = _("%(ip)s is %(kind)s.") % {"ip": ip, "kind": kind}
    else:
        message = _("%(host)s resolves to %(ip)s, %(kind)s.") % {
            "host": host,
            "ip": ip,
            "kind": kind,
        }
    return message + " " + _("Masterly downloads only from public internet addresses.")


def _resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise DownloadError(
            _("The host %(host)s could not be found. Check the address.") % {"host": host}
        ) from None
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of the address.
    addresses = tuple(dict.fromkeys(str(info[4][0]).split("%")[0] for info in found))
    if not addresses:
        raise DownloadError(
            _("The host %(host)s could not be found. Check the address.") % {"host": host}
        )
    return addresses


def _open_socket(target: CheckedAddress, timeout: float) -> socket.socket:
    """A TCP connection to the first checked address that answers (never the host name)."""
    for ip in target.ip_addresses:
        try:
            return socket.create_connection((ip, target.port), timeout=timeout)
        except OSError:
            continue
    raise OSError("no checked address answered")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: CheckedAddress, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target, self.connect_timeout = target, timeout

    def connect(self) -> None:
        self.sock = _open_socket(self.target, self.connect_timeout)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: CheckedAddress, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.target, self.connect_timeout = target, timeout

    def connect(self) -> None:
        # The certificate is checked against the host name, as for any https download.
        raw = _open_socket(self.target, self.connect_timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.target.host)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    timeout_seconds: float
    total_seconds: float


def fetch_public(
    url: str,
    *,
    limits: Limits,
    accept: str = "*/*",
    allowed_hosts: Collection[str] = (),
) -> bytes:
    """GET ``url`` (following checked redirects), at most ``limits.max_bytes``, streamed."""
    deadline = time.monotonic() + limits.total_seconds
    current, came_from = url, ""
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            target = check_address(current, allowed_hosts=allowed_hosts)
        except DownloadError as error:
            if not came_from:
                raise
            raise DownloadError(
                _("%(url)s redirects to %(target)s, which is refused: %(problem)s")
                % {"url": came_from, "target": current, "problem": error.message},
                refused_address=error.refused_address,
            ) from None
        answer = _get(target, limits=limits, accept=accept, deadline=deadline)
        if isinstance(answer, bytes):
            return answer
        came_from, current = current, urllib.parse.urljoin(current, answer)
    raise DownloadError(
        _("%(url)s redirects more than %(count)s times.") % {"url": url, "count": MAX_REDIRECTS}
    )


def _get(target: CheckedAddress, *, limits: Limits, accept: str, deadline: float) -> bytes | str:
    """The body of a 200 answer, or the Location of a redirect."""
    kind = _CheckedHTTPSConnection if target.scheme == "https" else _CheckedHTTPConnection
    connection = kind(target, limits.timeout_seconds)
    try:
        connection.request("GET", target.path, headers={"Accept": accept, "User-Agent": "Masterly"})
        response = connection.getresponse()
        if response.status in _REDIRECTS and response.getheader("Location"):
            return str(response.getheader("Location"))
        if response.status != 200:
            raise DownloadError(
                _("The server answered %(code)s %(reason)s for %(url)s. Check the address.")
                % {"code": response.status, "reason": response.reason, "url": target.url}
            )
        return _read_capped(response, target, limits=limits, deadline=deadline)
    except ssl.SSLError:
        raise DownloadError(
            _("The secure connection to %(host)s could not be made or verified.")
            % {"host": target.host}
        ) from None
    except (OSError, http.client.HTTPException):
        # One message for refused, timed out and reset alike.
        raise DownloadError(
            _("Could not download %(url)s from %(host)s. Check the address and the network.")
            % {"url": target.url, "host": target.host}
        ) from None
    finally:
        connection.close()


def _read_capped(
    response: http.client.HTTPResponse, target: CheckedAddress, *, limits: Limits, deadline: float
) -> bytes:
    too_large = DownloadError(
        _("%(url)s is larger than %(size)s.")
        % {"url": target.url, "size": filesizeformat(limits.max_bytes)},
        too_large=True,
    )
    declared = response.getheader("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    # read1 returns what one read of the socket gives, so a server sending a byte at a time
    # still meets the deadline check.
    while chunk := response.read1(CHUNK_BYTES):
        size += len(chunk)
        if size > limits.max_bytes:
            raise too_large
        if time.monotonic() > deadline:
            raise DownloadError(
                _("%(url)s took longer than %(seconds)s seconds to download.")
                % {"url": target.url, "seconds": int(limits.total_seconds)}
            )
        chunks.append(chunk)
    return b"".join(chunks)
