"""Which network addresses Masterly may download from: public internet addresses only.

A download address given by a person (a CASE server's URL) must not let them reach what only
the server can reach: this computer (loopback), the school's or the cloud's private network,
link-local addresses such as the cloud metadata service at 169.254.169.254, multicast,
reserved and unspecified addresses. IPv6 forms that carry an IPv4 address (``::ffff:a.b.c.d``,
NAT64's ``64:ff9b::a.b.c.d``, 6to4's ``2002:…``) are judged by the IPv4 address they carry.
Numeric spellings (``2130706433``, ``0x7f.1``) need no rule of their own: host names are
resolved first, and the resolved addresses are what is judged.
"""

from __future__ import annotations

import ipaddress
from typing import TypeAlias

from django.utils.translation import gettext as _

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

# DNS64 synthesises these for IPv4-only hosts on an IPv6-only network (RFC 6052).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _carried_ipv4(address: IPAddress) -> tuple[ipaddress.IPv4Address | None, bool]:
    """The IPv4 address an IPv6 address stands for, and whether it *only* stands for it."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None, False
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped, True
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), True
    return address.sixtofour, False


def _own_refusal(address: IPAddress) -> str | None:
    checks = (
        (address.is_unspecified, _("an unspecified address")),
        (address.is_loopback, _("a loopback address (this server itself)")),
        (address.is_link_local, _("a link-local address")),
        (address.is_multicast, _("a multicast address")),
        (address.is_reserved, _("a reserved address")),
        (address.is_private, _("a private network address")),
        (
            isinstance(address, ipaddress.IPv6Address) and address.is_site_local,
            _("a private network address"),
        ),
        (not address.is_global, _("not a public internet address")),
    )
    return next((kind for refused, kind in checks if refused), None)


def refusal(address: IPAddress) -> str | None:
    """What kind of non-public address ``address`` is ("a loopback address …"), or None."""
    carried, only = _carried_ipv4(address)
    if carried is not None:
        kind = _own_refusal(carried)
        if kind is not None or only:
            return kind
    return _own_refusal(address)
