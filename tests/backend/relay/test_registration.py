"""Volunteer registration: a relay-held key or the volunteer's own wallet, one volunteer per app
user and per address, only a keyed identity hash on chain, no full ID number in the database."""

import pytest
from eth_account import Account
from sqlalchemy import String, func, select

from yilian.relay.db.models import Base, Volunteer
from yilian.relay.services.volunteers import Identity, identity_hash

from .scenario import Scenario

ACTIVE = 1  # IVolunteerRegistry.VolunteerStatus.Active
ZERO_ADDRESS = "0x" + "00" * 20
BAD_CHECKSUM = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # EIP-55's example, one letter upper-cased


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def _stored(relay, volunteer: dict) -> Volunteer:
    with relay.sessions() as session:
        query = select(Volunteer).where(Volunteer.app_user_id == volunteer["app_user_id"])
        return session.scalars(query).one()


def test_custodial_volunteer_gets_a_relay_held_key_for_the_returned_address(relay, scenario):
    volunteer = scenario.volunteer()
    assert volunteer["custodial"] is True
    keystore = _stored(relay, volunteer).custodial_keystore
    key = Account.decrypt(keystore, relay.settings.custody_password)
    assert Account.from_key(key).address == volunteer["address"]
    with pytest.raises(ValueError, match="MAC mismatch"):
        Account.decrypt(keystore, "not-the-custody-secret")


def test_volunteer_with_own_wallet_keeps_it_and_no_key_is_held(relay, scenario):
    address = Account.create().address
    volunteer = scenario.volunteer(address=address.lower())
    assert (volunteer["address"], volunteer["custodial"]) == (address, False)  # checksummed
    assert _stored(relay, volunteer).custodial_keystore is None


@pytest.mark.parametrize(
    "address",
    ["0x1234", "not-an-address", "0x" + "g" * 40, BAD_CHECKSUM, ZERO_ADDRESS],
    ids=["too_short", "not_hex_at_all", "not_hex_digits", "bad_checksum", "zero_address"],
)
def test_invalid_address_is_refused(scenario, address: str):
    body = scenario.volunteer_body(address=address)
    scenario.registration_refused(body, 422, "invalid_address")


def test_second_registration_of_an_app_user_is_refused(scenario):
    volunteer = scenario.volunteer(own_wallet=True)
    body = scenario.volunteer_body(address=Account.create().address)
    body["app_user_id"] = volunteer["app_user_id"]
    scenario.registration_refused(body, 409, "volunteer_exists")


@pytest.mark.parametrize("spelling", [str, str.lower], ids=["same_spelling", "lower_case"])
def test_address_of_another_volunteer_is_refused(scenario, spelling):
    volunteer = scenario.volunteer(own_wallet=True)
    body = scenario.volunteer_body(address=spelling(volunteer["address"]))
    scenario.registration_refused(body, 409, "address_taken")


def test_chain_holds_the_keyed_identity_hash(relay, scenario):
    body = scenario.volunteer_body(address=Account.create().address)
    volunteer = scenario.register(body).json()
    scenario.mined(volunteer["chain_tx"])
    status, _, on_chain = relay.chain.registry.functions.volunteer(volunteer["address"]).call()
    expected = identity_hash(relay.settings.pepper, Identity(**body["identity"]))
    assert (status, on_chain) == (ACTIVE, expected)
    assert volunteer["identity_hash"] == "0x" + expected.hex()


def test_full_id_number_is_stored_nowhere_in_the_database(relay, scenario):
    id_number = "33010619900101123X"
    headers = relay.headers("app", idempotency_key="sign-up")  # an idempotency record too
    response = scenario.register(scenario.volunteer_body(id_number=id_number), headers)
    assert response.status_code == 201, response.text
    assert response.json()["id_number_masked"] == "330***********123X"
    hidden = id_number[3:-4]  # what the mask hides, birth date included
    with relay.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for column in (c for c in table.columns if isinstance(c.type, String)):  # Text too
                for secret in (id_number, hidden):
                    query = select(func.count()).select_from(table)
                    hits = session.scalar(query.where(func.upper(column).contains(secret)))
                    assert hits == 0, f"{table.name}.{column.name} holds {secret}"


def test_reading_a_volunteer_reports_minutes_and_balance_from_the_chain(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer(points_per_hour=10)
    fresh = scenario.read_volunteer(volunteer)
    assert (fresh["minutes_served"], fresh["yicoin_balance"]) == (0, 0)
    scenario.serve(activity, volunteer, seconds=30 * 60)
    scenario.settle()

    read = scenario.read_volunteer(volunteer)

    assert (read["minutes_served"], read["yicoin_balance"]) == (30, 500)  # 0.5 h × 10 = 5.00 益币
    ledger, yicoin = relay.chain.ledger, relay.chain.yicoin
    assert read["minutes_served"] == ledger.functions.minutesServed(volunteer["address"]).call()
    assert read["yicoin_balance"] == yicoin.functions.balanceOf(volunteer["address"]).call()
