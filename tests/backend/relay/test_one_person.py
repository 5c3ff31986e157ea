"""One person, one volunteer: identifiers in NFKC form, hidden characters refused, and one
real-name identity registers once (its hash is keyed with the relay's pepper, not salted anew)."""

import pytest
from eth_account import Account

from yilian.relay.services.volunteers import Identity, identity_hash

from .scenario import IDENTITY, Scenario, row_counts


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def _own_wallet_body(scenario: Scenario, **identity: str) -> dict:
    return scenario.volunteer_body(address=Account.create().address, **identity)


@pytest.mark.parametrize(
    "suffix", ["\u200b", "\u200d", "\ufeff", "\u202e", "\x07", " "],
    ids=["zero_width_space", "zero_width_joiner", "byte_order_mark", "right_to_left_override", "bell", "space"],
)  # fmt: skip
def test_app_user_id_with_a_hidden_character_is_refused(scenario, suffix: str):
    first = _own_wallet_body(scenario)
    first["app_user_id"] = "wx-2001"
    assert scenario.register(first).status_code == 201
    second = _own_wallet_body(scenario)
    second["app_user_id"] = "wx-2001" + suffix + "x"
    scenario.registration_refused(second, 422, "invisible_characters")


def test_full_width_app_user_id_is_the_same_user(scenario):
    first = _own_wallet_body(scenario)
    first["app_user_id"] = "wx-2001"
    assert scenario.register(first).status_code == 201
    second = _own_wallet_body(scenario)
    second["app_user_id"] = "ｗｘ－２００１"  # NFKC: wx-2001
    scenario.registration_refused(second, 409, "volunteer_exists")


def test_the_same_identity_registers_once(scenario):
    first = _own_wallet_body(scenario)
    assert scenario.register(first).status_code == 201
    scenario.registration_refused(_own_wallet_body(scenario, **first["identity"]), 409, "identity_already_registered")


@pytest.mark.parametrize(
    "spelling",
    [
        lambda name, number: (name, number.lower()),
        lambda name, number: (" " + name + " ", number),
        lambda name, number: (name, "".join(chr(ord(c) + 0xFEE0) for c in number)),  # full-width digits
    ],
    ids=["lower_case_id", "padded_name", "full_width_id"],
)
def test_another_spelling_of_the_same_identity_is_refused(scenario, spelling):
    first = _own_wallet_body(scenario, id_number="33010619900101123X")
    assert scenario.register(first).status_code == 201
    name, number = spelling(first["identity"]["real_name"], first["identity"]["id_number"])
    body = _own_wallet_body(scenario, real_name=name, id_number=number)
    scenario.registration_refused(body, 409, "identity_already_registered")


@pytest.mark.parametrize(
    ("identity", "code"),
    [
        ({"real_name": "张\u200b三"}, "invisible_characters"),
        ({"id_number": "3301061990\u200b01011234"}, "invisible_characters"),
        ({"id_number": "330106-19900101"}, "invalid_id_number"),
    ],
    ids=["zero_width_in_name", "zero_width_in_id", "punctuation_in_id"],
)
def test_identity_with_hidden_or_foreign_characters_is_refused(scenario, identity: dict, code: str):
    scenario.registration_refused(_own_wallet_body(scenario, **identity), 422, code)


def test_identity_hash_is_deterministic_and_keyed(relay):
    person = Identity(**IDENTITY)
    assert identity_hash(b"pepper", person) == identity_hash(b"pepper", Identity("张三 ", "330106199001011234"))
    assert identity_hash(b"pepper", person) != identity_hash(b"another pepper", person)
    assert len(identity_hash(relay.settings.pepper, person)) == 32  # the registry's bytes32


def test_lookups_use_the_normalised_form(relay, scenario):
    body = _own_wallet_body(scenario)
    body["app_user_id"] = "wx-3003"
    assert scenario.register(body).status_code == 201
    before = row_counts(relay)
    read = relay.client.get("/v1/volunteers/ｗｘ－３００３", headers=relay.headers("app"))
    assert (read.status_code, read.json()["app_user_id"]) == (200, "wx-3003")
    assert row_counts(relay) == before
