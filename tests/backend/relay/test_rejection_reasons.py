"""The relay names the ledger's rejection reasons by their position in IHourLedger.Rejection: its
list must follow the enum as declared, or a rejected session would be recorded with another's reason."""

import re

from yilian.chain.artifacts import PROJECT_ROOT
from yilian.relay.services.tracking import REJECTIONS


def declared_rejections() -> list[str]:
    source = (PROJECT_ROOT / "contracts" / "interfaces" / "IHourLedger.sol").read_text()
    body = re.search(r"enum Rejection \{(.*?)\}", source, re.S).group(1)  # type: ignore[union-attr]
    names = [line.split("//")[0].strip().rstrip(",") for line in body.splitlines()]
    return [re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower() for name in names if name]


def test_the_relays_reasons_follow_the_ledgers_enum():
    assert list(REJECTIONS) == declared_rejections()
    assert REJECTIONS[2] == "signer_not_organisation_attester"
