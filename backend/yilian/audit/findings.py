"""A finding: one discrepancy, named by the uid, address or block that shows it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    kind: str  # stable machine name, e.g. "minutes_mismatch"
    message: str  # for people: what differs, and both values
    uid: str | None = None
    address: str | None = None
    block: int | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**data)

    def line(self) -> str:
        where = " ".join(
            f"{name}={value}"
            for name, value in (("uid", self.uid), ("address", self.address), ("block", self.block))
            if value is not None
        )
        return f"[{self.kind}] {self.message}" + (f" ({where})" if where else "")
