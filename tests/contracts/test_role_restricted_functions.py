"""Every role-restricted function of the registry and the ledger refuses a caller without the
role, naming the caller and the missing role. The admin holds no operational role itself."""

import pytest
from helpers_ledger import reverts_with

# (contract, function, arguments, role constant, caller); names stand for fixtures.
RESTRICTED = [
    ("registry", "createOrganisation", (b"\x01" * 32,), "REGISTRAR_ROLE", "admin"),
    ("registry", "addOrganisationManager", (1, "bob"), "REGISTRAR_ROLE", "organiser"),
    ("registry", "removeOrganisationManager", (1, "organiser"), "REGISTRAR_ROLE", "organiser"),
    ("registry", "registerVolunteer", ("bob", b"\x02" * 32), "REGISTRAR_ROLE", "admin"),
    ("registry", "suspendVolunteer", ("alice", "reason"), "REGISTRAR_ROLE", "organiser"),
    ("registry", "reinstateVolunteer", ("alice",), "REGISTRAR_ROLE", "admin"),
    ("ledger", "revoke", ("alice", 1, 0, "reason"), "AUDITOR_ROLE", "admin"),
    ("ledger", "setRevocationWindow", (1,), "DEFAULT_ADMIN_ROLE", "auditor"),
]


@pytest.fixture
def named(registry, ledger, admin, organiser, auditor, alice, bob):
    """The fixtures RESTRICTED names. Requested up front, so the module's deployments happen
    before fn_isolation's snapshot (a deployment made through request.getfixturevalue inside
    the test would be rolled back while its fixture stays cached)."""
    return {
        "registry": registry,
        "ledger": ledger,
        "admin": admin,
        "organiser": organiser,
        "auditor": auditor,
        "alice": alice,
        "bob": bob,
    }


@pytest.mark.parametrize(
    ("contract_name", "function", "args", "role", "caller_name"),
    RESTRICTED,
    ids=[f"{c}.{f}" for c, f, *_ in RESTRICTED],
)
def test_caller_without_the_role_reverts_with_unauthorized_account(
    named, contract_name, function, args, role, caller_name
):
    contract, caller = named[contract_name], named[caller_name]
    resolved = [named.get(a, a) if isinstance(a, str) else a for a in args]

    with reverts_with("AccessControlUnauthorizedAccount", caller, getattr(contract, role)()):
        getattr(contract, function)(*resolved, {"from": caller})
