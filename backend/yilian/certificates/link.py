"""The verification link a certificate's QR code carries.

`<public base>/certificates/<number>?hash=<certificate hash>`: the relay keeps every certificate
it issues, finds it by number, checks that the hash is the one it issued under that number, and
verifies it against the chain as it stands when the page is opened. The number alone would let
anyone enumerate certificates; with the hash (256 bits) only a holder of the document can.
"""

from __future__ import annotations

from urllib.parse import quote

PUBLIC_PATH = "/certificates/{number}"


def verification_link(public_base_url: str, number: str, digest: str) -> str:
    path = PUBLIC_PATH.format(number=quote(number, safe=""))
    return f"{public_base_url.rstrip('/')}{path}?hash={digest}"
