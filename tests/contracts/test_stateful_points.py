"""Stateful: attestations, replays, revocations, redemptions and settlements, checked against a
Python model of every session. 益币 in circulation is exactly what was minted less what was burned,
and minutes are counted once per accepted, non-revoked session.

Organisation dimension: activity 1 belongs to organisation 1, activity 2 to organisation 2, each
with its own attester key; every attestation is signed by either key, and managers withdraw and
restore their attester. Only a current attester of the activity's organisation creates hours."""

import importlib.util
from pathlib import Path

import brownie
import brownie.test
import pytest
from brownie import accounts, chain
from brownie.test import strategy
from helpers_market import DAY, open_offer, reverts_with
from hypothesis import HealthCheck
from hypothesis import strategies as st

CAP = {1: 600, 2: 200}  # activity 1 is the conftest `activity`; activity 2 is created below
POINTS_PER_HOUR = {1: 10, 2: 15}
ORGANISATION = {1: 1, 2: 2}  # activity → organisation
PRICE = 150
REVOKED = "revoked"
REJECTION = {
    "SignerNotOrganisationAttester": 2,
    "AlreadyAccepted": 3,
    "AlreadyRevoked": 4,
    "OverMinuteCap": 10,
}


@pytest.fixture
def state_machine():
    """Brownie's `state_machine`, run from its Python source.

    Brownie 1.22 ships test/stateful.py compiled with mypyc, and the compiled (final)
    `_BrownieStateMachine` rejects the subclass that `state_machine` builds from a rules class:
    "TypeError: _BrownieStateMachine object expected; got BrownieStateMachine". The .py file
    installed next to the compiled module is the same code; run uncompiled, it works.
    """
    source = Path(brownie.test.__file__).with_name("stateful.py")
    spec = importlib.util.spec_from_file_location("brownie_stateful_source", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.state_machine


@pytest.fixture
def second_activity(registry, registrar, activity, outsider):
    """Activity 2 of organisation 2, whose manager is accounts[8] and attester `outsider`."""
    registry.createOrganisation(b"\x02" * 32, {"from": registrar})
    registry.addOrganisationManager(2, accounts[8], {"from": registrar})
    registry.addOrganisationAttester(2, outsider.address, {"from": accounts[8]})
    now = chain.time()
    registry.createActivity(2, 2, now - DAY, now + DAY, CAP[2], POINTS_PER_HOUR[2], {"from": accounts[8]})


@pytest.fixture
def carol(registry, registrar, volunteers):
    registry.registerVolunteer(accounts[7], b"\x0c" * 32, {"from": registrar})
    return accounts[7]


class Points:
    st_volunteer = strategy("uint8", max_value=2)
    st_activity = strategy("uint8", min_value=1, max_value=2)
    st_session = strategy("uint8", max_value=3)  # few sessions, so replays are frequent
    st_minutes = strategy("uint16", min_value=1, max_value=180)  # and so is going over a cap
    st_signer = strategy("uint8", min_value=1, max_value=2)  # the key of organisation 1 or 2
    st_items = st.lists(st.tuples(st_volunteer, st_activity, st_session, st_minutes), min_size=1, max_size=4)
    st_quantity = strategy("uint8", min_value=1, max_value=4)
    st_percent = strategy("uint8", min_value=1, max_value=125)  # of the merchant's takings
    st_pick = strategy("uint8", max_value=15)

    def __init__(cls, ledger, registry, yicoin, alliance, signing, auditor, merchant, offer, volunteers, keys):
        cls.ledger, cls.registry, cls.yicoin, cls.alliance = ledger, registry, yicoin, alliance
        # Plain functions would become methods of the machine.
        cls.sign, cls.sign_batch = map(staticmethod, signing)
        cls.auditor, cls.merchant, cls.offer, cls.volunteers = auditor, merchant, offer, volunteers
        cls.keys = keys  # organisation → (its attester's signer, its manager)

    def setup(self):
        self.attesting = set(self.keys)  # organisations whose own key is a current attester
        self.sessions = {}  # (volunteer, activity, session) -> minutes, or REVOKED
        self.balance = {account: 0 for account in (*self.volunteers, self.merchant)}
        self.minted = self.burned = 0
        self.onchain = None  # the last reading of the chain, until a transaction changes it

    def _transact(self, function, *args):
        """Sends a transaction that must succeed; the chain is read again afterwards."""
        self.onchain = None
        return function(*args)

    def _chain(self):
        """What the invariants compare with the model. Read once per state change: after a
        reverted transaction (which changes nothing) the previous reading still stands."""
        if self.onchain is None:
            pairs = [(v, a) for v in self.volunteers for a in CAP]
            self.onchain = {
                "supply": self.yicoin.totalSupply(),
                **{("balance", a): self.yicoin.balanceOf(a) for a in self.balance},
                **{("served", v): self.ledger.minutesServed(v) for v in self.volunteers},
                **{("in", v, a): self.ledger.minutesInActivity(v, a) for v, a in pairs},
            }
        return self.onchain

    def _served(self, volunteer, activity=None):
        return sum(
            m for (v, a, _), m in self.sessions.items() if v == volunteer and activity in (None, a) and m != REVOKED
        )

    def _submit(self, volunteer, activity, session, minutes, signer):
        """Applies one attestation signed with organisation `signer`'s key to the model; returns
        why the chain must refuse it, or None. The ledger checks replays before signers."""
        key = (volunteer, activity, session)
        if key in self.sessions:
            return "AlreadyRevoked" if self.sessions[key] == REVOKED else "AlreadyAccepted"
        if signer != ORGANISATION[activity] or signer not in self.attesting:
            return "SignerNotOrganisationAttester"
        if self._served(volunteer, activity) + minutes > CAP[activity]:
            return "OverMinuteCap"
        self.sessions[key] = minutes
        points = minutes * POINTS_PER_HOUR[activity] * 5 // 3
        self.minted += points
        self.balance[volunteer] += points
        return None

    def _pick(self, st_pick, st_volunteer, st_activity, st_session):
        """An already recorded session when `st_pick` points at one (a replay, a second
        revocation), else the drawn (volunteer, activity, session)."""
        known = list(self.sessions)
        if st_pick < len(known):
            return known[st_pick]
        return self.volunteers[st_volunteer], st_activity, st_session

    def _signed(self, volunteer, activity, session, minutes, signer):
        return self.sign(volunteer, activity, session=session, minutes=minutes, signer=self.keys[signer][0])

    def rule_attest(self, st_pick, st_volunteer, st_activity, st_session, st_minutes, st_signer):
        volunteer, activity, session = self._pick(st_pick, st_volunteer, st_activity, st_session)
        signed = self._signed(volunteer, activity, session, st_minutes, st_signer)
        rejection = self._submit(volunteer, activity, session, st_minutes, st_signer)
        if rejection:
            with brownie.reverts(revert_pattern=f"HourLedger{rejection}: .*"):
                self.ledger.attest(signed, {"from": accounts[0]})
        else:
            self._transact(self.ledger.attest, signed, {"from": accounts[0]})

    def rule_attest_batch(self, st_signer, items="st_items"):
        """One organisation's key signs the whole batch, whatever activities its items are in."""
        batch, rejected = [], []
        for index, activity, session, minutes in items:
            volunteer = self.volunteers[index]
            batch.append(self._signed(volunteer, activity, session, minutes, st_signer))
            rejection = self._submit(volunteer, activity, session, minutes, st_signer)
            if rejection:
                rejected.append((volunteer, activity, REJECTION[rejection]))
        args = self.sign_batch(batch, signer=self.keys[st_signer][0])
        tx = self._transact(self.ledger.attestBatch, *args, {"from": accounts[0]})
        events = tx.events["AttestationRejected"] if rejected else []
        assert [(e["volunteer"], e["activityId"], e["reason"]) for e in events] == rejected
        accepted = len(tx.events["HoursAttested"]) if len(rejected) < len(batch) else 0
        assert accepted == len(batch) - len(rejected)

    def rule_toggle_attester(self, st_signer):
        """The organisation's manager withdraws its attester (a leaked key) or restores it."""
        signer, manager = self.keys[st_signer]
        if st_signer in self.attesting:
            self._transact(self.registry.removeOrganisationAttester, st_signer, signer.address, {"from": manager})
            self.attesting.remove(st_signer)
        else:
            self._transact(self.registry.addOrganisationAttester, st_signer, signer.address, {"from": manager})
            self.attesting.add(st_signer)

    def rule_revoke(self, st_pick, st_volunteer, st_activity, st_session):
        key = self._pick(st_pick, st_volunteer, st_activity, st_session)
        minutes = self.sessions.get(key)
        args = (*key, "correction", {"from": self.auditor})
        if minutes is None or minutes == REVOKED:
            error = "NotAccepted" if minutes is None else "AlreadyRevoked"
            with brownie.reverts(revert_pattern=f"HourLedger{error}: .*"):
                self.ledger.revoke(*args)
            return
        volunteer, activity, _ = key
        points = minutes * POINTS_PER_HOUR[activity] * 5 // 3
        burned = min(points, self.balance[volunteer])  # points already spent stay spent
        revoked = self._transact(self.ledger.revoke, *args).events["HoursRevoked"]
        assert (revoked["pointsBurned"], revoked["pointsUnrecovered"]) == (burned, points - burned)
        self.sessions[key] = REVOKED
        self.balance[volunteer] -= burned
        self.burned += burned

    def rule_redeem(self, st_volunteer, st_quantity):
        volunteer, amount = self.volunteers[st_volunteer], PRICE * st_quantity
        if amount > self.balance[volunteer]:
            with reverts_with("ERC20InsufficientBalance", volunteer, self.balance[volunteer], amount):
                self.alliance.redeem(self.offer, st_quantity, amount, {"from": volunteer})
            return
        self._transact(self.alliance.redeem, self.offer, st_quantity, amount, {"from": volunteer})
        self.balance[volunteer] -= amount
        self.balance[self.merchant] += amount

    def rule_settle(self, st_percent):
        held = self.balance[self.merchant]
        amount = held * st_percent // 100
        if amount == 0:
            with reverts_with("AllianceZeroSettlement"):
                self.alliance.settle(amount, {"from": self.merchant})
        elif amount > held:
            with reverts_with("ERC20InsufficientBalance", self.merchant, held, amount):
                self.alliance.settle(amount, {"from": self.merchant})
        else:
            self._transact(self.alliance.settle, amount, {"from": self.merchant})
            self.balance[self.merchant] -= amount
            self.burned += amount

    def invariant_supply_is_minted_less_burned(self):
        assert self._chain()["supply"] == self.minted - self.burned == sum(self.balance.values())

    def invariant_balances_match_the_model(self):
        for account, balance in self.balance.items():
            assert self._chain()[("balance", account)] == balance

    def invariant_minutes_served_are_accepted_less_revoked(self):
        for volunteer in self.volunteers:
            assert self._chain()[("served", volunteer)] == self._served(volunteer)

    def invariant_no_balance_without_an_attestation(self):
        for volunteer in self.volunteers:
            if self._served(volunteer) == 0:
                assert self._chain()[("balance", volunteer)] == 0

    def invariant_no_session_counted_twice(self):
        for volunteer in self.volunteers:
            for activity in CAP:
                counted = self._chain()[("in", volunteer, activity)]
                assert counted == self._served(volunteer, activity)


def test_points_follow_the_hours(
    state_machine,
    ledger,
    registry,
    yicoin,
    alliance,
    sign,
    sign_batch,
    auditor,
    merchant,
    volunteers,
    carol,
    second_activity,
    attester,
    outsider,
    organiser,
):
    offer = open_offer(alliance, merchant, price=PRICE, stock=100_000)
    keys = {1: (attester, organiser), 2: (outsider, accounts[8])}
    state_machine(
        Points,
        ledger,
        registry,
        yicoin,
        alliance,
        (sign, sign_batch),
        auditor,
        merchant,
        offer,
        (*volunteers, carol),
        keys,
        # A run of 15 steps with batches of up to four items sometimes overruns Hypothesis's
        # buffer; those runs are dropped and redrawn, which is no reason to fail the suite.
        settings={
            "max_examples": 20,
            "stateful_step_count": 15,
            "suppress_health_check": [HealthCheck.data_too_large],
        },
    )
