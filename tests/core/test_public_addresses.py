"""Which addresses Masterly downloads from: public ones only, however they are spelled."""

from __future__ import annotations

import ipaddress

import pytest

from masterly.core.public_addresses import refusal


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private network"),
        ("172.16.0.1", "private network"),
        ("192.168.1.10", "private network"),
        ("::ffff:192.168.1.10", "private network"),
        ("fd00::1", "private network"),  # unique-local
        ("fec0::1", "private network"),  # the old site-local
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("::ffff:169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - the address under test
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("::7f00:1", "reserved"),  # IPv4-compatible, long deprecated
        ("100.64.0.1", "not a public"),  # carrier-grade NAT
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a00:1", "private network"),  # NAT64 of 10.0.0.1
        ("2002:a00:1::1", "private network"),  # 6to4 of 10.0.0.1
        ("2001:db8::1", "private network"),  # documentation
    ],
)
def test_internal_addresses_are_refused(address: str, kind: str) -> None:
    found = refusal(ipaddress.ip_address(address))
    assert found is not None and kind in found


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "2606:4700::1111", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e"],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None
