"""The state of the contracts rebuilt from their events alone, one event at a time.

It is what a scan carries from chunk to chunk and what a checkpoint stores, so it is plain data
(JSON-ready through `to_dict`/`from_dict`). Attestations are kept as columns (`AttestationTable`):
a million sessions stay compact, and the statistics walk the columns without an object per row.

益币 are minted lazily: HoursAttested's points are owed by the ledger and already in the holder's
balance and the supply; YiCoin's Transfer from 0x0 later settles them (no new supply), and a
revocation takes back owed points before burning minted ones.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from yilian.audit.findings import Finding
from yilian.audit.scanner import ChainEvent
from yilian.audit.time_credits import TIME_CREDIT_HANDLERS

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


class AttestationTable:
    """HoursAttested records by uid; `revoked_block` is 0 while the session stands."""

    COLUMNS = (
        "uid", "volunteer", "activity_id", "session", "check_in", "check_out", "minutes",
        "points", "evidence_hash", "block", "tx_hash", "revoked_block",
    )  # fmt: skip

    def __init__(self, columns: dict[str, list[Any]] | None = None) -> None:
        self.columns: dict[str, list[Any]] = {name: list((columns or {}).get(name, ())) for name in self.COLUMNS}
        self.index: dict[str, int] = {uid: row for row, uid in enumerate(self.columns["uid"])}

    def __len__(self) -> int:
        return len(self.columns["uid"])

    def __getitem__(self, column: str) -> list[Any]:
        return self.columns[column]

    def append(self, row: dict[str, Any]) -> None:
        self.index[row["uid"]] = len(self)
        for name in self.COLUMNS:
            self.columns[name].append(row[name])

    def row(self, position: int) -> dict[str, Any]:
        return {name: self.columns[name][position] for name in self.COLUMNS}


@dataclass
class ChainState:
    attestations: AttestationTable = field(default_factory=AttestationTable)
    revocations: list[dict[str, Any]] = field(default_factory=list)
    redemptions: list[dict[str, Any]] = field(default_factory=list)
    settlements: list[dict[str, Any]] = field(default_factory=list)
    organisations: dict[int, dict[str, Any]] = field(default_factory=dict)
    activities: dict[int, dict[str, Any]] = field(default_factory=dict)
    volunteers: dict[str, dict[str, Any]] = field(default_factory=dict)
    merchants: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Running totals, HoursAttested minus HoursRevoked, as the ledger keeps them.
    minutes_by_volunteer: dict[str, int] = field(default_factory=dict)
    minutes_by_activity: dict[int, int] = field(default_factory=dict)
    minutes_by_volunteer_activity: dict[tuple[str, int], int] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)  # as YiCoin's balanceOf: owed points included
    owed: dict[str, int] = field(default_factory=dict)  # points attested, not yet minted
    time_credits: dict[str, int] = field(default_factory=dict)  # the pool under the zero address
    total_supply: int = 0  # as YiCoin's totalSupply: owed points included
    minted: int = 0  # Transfers from 0x0: settlements of owed points
    burned: int = 0
    points_attested: int = 0
    points_burned_on_revocation: int = 0
    points_revoked_while_owed: int = 0  # taken back by revocations before they were minted
    settled: int = 0
    event_counts: dict[str, int] = field(default_factory=dict)
    # Inconsistencies among the events themselves, found while applying them.
    anomalies: list[Finding] = field(default_factory=list)

    def apply_all(self, events: Iterable[ChainEvent]) -> None:
        for event in events:
            self.apply(event)

    def apply(self, event: ChainEvent) -> None:
        key = f"{event.contract}.{event.name}"
        self.event_counts[key] = self.event_counts.get(key, 0) + 1
        handler = _HANDLERS.get(key)
        if handler is not None:
            handler(self, event)
        elif key in TIME_CREDIT_HANDLERS:
            TIME_CREDIT_HANDLERS[key](self.time_credits, event)
        elif event.name == "UnknownEvent":
            self._anomaly("unknown_event", f"{event.contract} emitted an event not in its ABI", event)

    def _anomaly(self, kind: str, message: str, event: ChainEvent, **where: Any) -> None:
        self.anomalies.append(Finding(kind, message, block=event.block, **where))

    def _add_minutes(self, volunteer: str, activity_id: int, minutes: int) -> None:
        self.minutes_by_volunteer[volunteer] = self.minutes_by_volunteer.get(volunteer, 0) + minutes
        self.minutes_by_activity[activity_id] = self.minutes_by_activity.get(activity_id, 0) + minutes
        pair = (volunteer, activity_id)
        self.minutes_by_volunteer_activity[pair] = self.minutes_by_volunteer_activity.get(pair, 0) + minutes

    # --- HourLedger ---------------------------------------------------------------------------

    def _hours_attested(self, event: ChainEvent) -> None:
        args = event.args
        if args["uid"] in self.attestations.index:
            self._anomaly("duplicate_attestation", "HoursAttested twice for one uid", event, uid=args["uid"])
            return
        # One string object per address: a million rows share a few thousand volunteers.
        volunteer = sys.intern(args["volunteer"])
        self.attestations.append({
            "uid": args["uid"], "volunteer": volunteer, "activity_id": args["activityId"],
            "session": args["session"], "check_in": args["checkIn"], "check_out": args["checkOut"],
            "minutes": args["serviceMinutes"], "points": args["points"],
            "evidence_hash": args["evidenceHash"], "block": event.block, "tx_hash": event.tx_hash,
            "revoked_block": 0,
        })  # fmt: skip
        self._add_minutes(volunteer, args["activityId"], args["serviceMinutes"])
        self.points_attested += args["points"]
        self._owe(volunteer, args["points"])

    def _hours_revoked(self, event: ChainEvent) -> None:
        args, uid = event.args, event.args["uid"]
        self.revocations.append({
            "uid": uid, "volunteer": args["volunteer"], "activity_id": args["activityId"],
            "minutes": args["serviceMinutes"], "points_burned": args["pointsBurned"],
            "points_unrecovered": args["pointsUnrecovered"], "auditor": args["auditor"],
            "reason": args["reason"], "block": event.block, "timestamp": event.timestamp,
            "tx_hash": event.tx_hash,
        })  # fmt: skip
        table, row = self.attestations, self.attestations.index.get(uid)
        if row is None:
            self._anomaly("revocation_without_attestation", "HoursRevoked for a uid never attested", event, uid=uid)
        elif table["revoked_block"][row]:
            self._anomaly("double_revocation", "HoursRevoked twice for one uid", event, uid=uid)
        else:
            table["revoked_block"][row] = event.block
            if table["minutes"][row] != args["serviceMinutes"]:
                self._anomaly(
                    "revocation_minutes_mismatch",
                    f"revoked {args['serviceMinutes']} minutes, attested {table['minutes'][row]}",
                    event, uid=uid,
                )  # fmt: skip
        self._add_minutes(args["volunteer"], args["activityId"], -args["serviceMinutes"])
        self.points_burned_on_revocation += args["pointsBurned"]
        # The ledger takes owed points first; the rest was burned by a Transfer to 0x0 just before.
        from_owed = min(args["pointsBurned"], self.owed.get(args["volunteer"], 0))
        self.points_revoked_while_owed += from_owed
        self._owe(args["volunteer"], -from_owed)

    # --- YiCoin and MerchantAlliance ----------------------------------------------------------

    def _owe(self, volunteer: str, points: int) -> None:
        """Points owed change the balance and the supply alike."""
        self.owed[volunteer] = self.owed.get(volunteer, 0) + points
        self.balances[volunteer] = self.balances.get(volunteer, 0) + points
        self.total_supply += points

    def _transfer(self, event: ChainEvent) -> None:
        sender, recipient, value = event.args["from"], event.args["to"], event.args["value"]
        if sender == ZERO_ADDRESS:
            # A settlement: owed points become minted ones. Anything beyond what is owed is new.
            self.minted += value
            settled = min(value, self.owed.get(recipient, 0))
            self._owe(recipient, -settled)
            if value > settled:
                self._anomaly(
                    "unattested_mint", f"a Transfer mints {value}, the ledger owed {settled}", event, address=recipient
                )  # fmt: skip
            self.total_supply += value
        else:
            self.balances[sender] = self.balances.get(sender, 0) - value
            # Owed points must be minted before they move: the minted part alone pays.
            if self.balances[sender] < self.owed.get(sender, 0):
                self._anomaly("negative_balance", "a Transfer overdraws its sender", event, address=sender)
        if recipient == ZERO_ADDRESS:
            self.burned += value
            self.total_supply -= value
        else:
            self.balances[recipient] = self.balances.get(recipient, 0) + value

    def _offer_redeemed(self, event: ChainEvent) -> None:
        args = event.args
        self.redemptions.append({
            "offer_id": args["offerId"], "volunteer": args["volunteer"], "merchant": args["merchant"],
            "quantity": args["quantity"], "amount": args["amount"], "voucher_nonce": args["voucherNonce"],
            "by_voucher": args["byVoucher"], "block": event.block, "timestamp": event.timestamp,
            "tx_hash": event.tx_hash,
        })  # fmt: skip

    def _merchant_settled(self, event: ChainEvent) -> None:
        args = event.args
        self.settled += args["amount"]
        self.settlements.append({
            "merchant": args["merchant"], "settlement_id": args["settlementId"], "amount": args["amount"],
            "block": event.block, "timestamp": event.timestamp, "tx_hash": event.tx_hash,
        })  # fmt: skip

    def _merchant_registered(self, event: ChainEvent) -> None:
        kind = event.args["kind"]
        self.merchants[event.args["merchant"]] = {"kind": kind, "block": event.block}

    # --- VolunteerRegistry --------------------------------------------------------------------

    def _organisation_created(self, event: ChainEvent) -> None:
        self.organisations[event.args["organisationId"]] = {
            "profile_hash": event.args["profileHash"], "created_at": event.timestamp, "block": event.block,
        }  # fmt: skip

    def _volunteer_registered(self, event: ChainEvent) -> None:
        self.volunteers[event.args["volunteer"]] = {
            "identity_hash": event.args["identityHash"], "registered_at": event.timestamp,
            "block": event.block, "status": "active",
        }  # fmt: skip

    def _volunteer_status(self, event: ChainEvent) -> None:
        record = self.volunteers.get(event.args["volunteer"])
        if record is not None:
            record["status"] = "suspended" if event.name == "VolunteerSuspended" else "active"

    def _activity_created(self, event: ChainEvent) -> None:
        args = event.args
        self.activities[args["activityId"]] = {
            "organisation_id": args["organisationId"], "category": args["category"],
            "starts_at": args["startsAt"], "ends_at": args["endsAt"], "minute_cap": args["minuteCap"],
            "points_per_hour": args["pointsPerHour"], "created_at": event.timestamp,
            "block": event.block, "closed": False,
        }  # fmt: skip

    def _activity_closed(self, event: ChainEvent) -> None:
        record = self.activities.get(event.args["activityId"])
        if record is not None:
            record["ends_at"], record["closed"] = event.args["endsAt"], True

    # --- checks and persistence ---------------------------------------------------------------

    def totals_findings(self, block: int) -> list[Finding]:
        """What the running totals must satisfy: every attested point is minted, still owed or
        revoked while owed, and nothing else is minted; YiCoin burns only on revocation or
        settlement."""
        findings = list(self.anomalies)
        owed = sum(self.owed.values())
        if self.minted + owed + self.points_revoked_while_owed != self.points_attested:
            findings.append(Finding(
                "mint_mismatch",
                f"YiCoin minted {self.minted}, the ledger owes {owed} and revoked "
                f"{self.points_revoked_while_owed} unminted; HoursAttested account for {self.points_attested}",
                block=block,
            ))  # fmt: skip
        expected_burn = self.points_burned_on_revocation - self.points_revoked_while_owed + self.settled
        if self.burned != expected_burn:
            findings.append(Finding(
                "burn_mismatch",
                f"YiCoin burned {self.burned}, revocations and settlements account for {expected_burn}",
                block=block,
            ))  # fmt: skip
        return findings

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["attestations"] = self.attestations.columns
        data["anomalies"] = [finding.to_dict() for finding in self.anomalies]
        # JSON keys are strings: integer ids and (volunteer, activity) pairs are spelled out.
        for name in _INT_KEYED:
            data[name] = {str(key): value for key, value in data[name].items()}
        data["minutes_by_volunteer_activity"] = [
            [volunteer, activity, minutes]
            for (volunteer, activity), minutes in self.minutes_by_volunteer_activity.items()
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChainState:
        values = dict(data)
        values["attestations"] = AttestationTable(data["attestations"])
        values["anomalies"] = [Finding.from_dict(item) for item in data["anomalies"]]
        for name in _INT_KEYED:
            values[name] = {int(key): value for key, value in data[name].items()}
        values["minutes_by_volunteer_activity"] = {
            (volunteer, activity): minutes for volunteer, activity, minutes in data["minutes_by_volunteer_activity"]
        }
        return cls(**values)


_INT_KEYED = ("organisations", "activities", "minutes_by_activity")

_HANDLERS: dict[str, Callable[[ChainState, ChainEvent], None]] = {
    "HourLedger.HoursAttested": ChainState._hours_attested,
    "HourLedger.HoursRevoked": ChainState._hours_revoked,
    "YiCoin.Transfer": ChainState._transfer,
    "MerchantAlliance.OfferRedeemed": ChainState._offer_redeemed,
    "MerchantAlliance.MerchantSettled": ChainState._merchant_settled,
    "MerchantAlliance.MerchantRegistered": ChainState._merchant_registered,
    "VolunteerRegistry.OrganisationCreated": ChainState._organisation_created,
    "VolunteerRegistry.VolunteerRegistered": ChainState._volunteer_registered,
    "VolunteerRegistry.VolunteerSuspended": ChainState._volunteer_status,
    "VolunteerRegistry.VolunteerReinstated": ChainState._volunteer_status,
    "VolunteerRegistry.ActivityCreated": ChainState._activity_created,
    "VolunteerRegistry.ActivityClosed": ChainState._activity_closed,
}
