"""Each organisation's attester key, as the relay holds it: decrypted once per process (scrypt is
slow), then kept in memory. An activity's organisation never changes, so the activity → signer
mapping is cached too."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from yilian.chain.eip712 import FastSigner
from yilian.relay.db.models import Activity, OrganisationAttester
from yilian.relay.services.custody import unlock
from yilian.relay.services.errors import Conflict, NotFound


class AttesterKeys:
    def __init__(self, custody_password: str) -> None:
        self._custody_password = custody_password
        self._keys: dict[int, str] = {}  # organisation → private key (hex)
        self._signers: dict[int, FastSigner] = {}  # activity → its organisation's signer
        self._organisation_signers: dict[int, FastSigner] = {}

    def key_of(self, db: Session, organisation_id: int) -> str:
        """The private key of the organisation's relay-held attester."""
        if organisation_id not in self._keys:
            keystore = db.scalar(
                select(OrganisationAttester.custodial_keystore).where(
                    OrganisationAttester.organisation_id == organisation_id,
                    OrganisationAttester.custodial_keystore.is_not(None),
                )
            )
            if keystore is None:
                raise Conflict(
                    f"the relay holds no attester key of organisation {organisation_id}",
                    code="organisation_key_missing",
                )
            self._keys[organisation_id] = unlock(keystore, self._custody_password)
        return self._keys[organisation_id]

    def for_organisation(self, db: Session, organisation_id: int) -> FastSigner:
        """The signer of the organisation's relay-held key (a batch is one organisation's)."""
        if organisation_id not in self._organisation_signers:
            self._organisation_signers[organisation_id] = FastSigner(self.key_of(db, organisation_id))
        return self._organisation_signers[organisation_id]

    def for_activity(self, db: Session, activity_id: int) -> FastSigner:
        """The signer of the activity's organisation: the only key the ledger accepts for it."""
        if activity_id not in self._signers:
            organisation_id = db.scalar(select(Activity.organisation_id).where(Activity.id == activity_id))
            if organisation_id is None:
                raise NotFound(f"no activity {activity_id}", code="activity_not_found")
            self._signers[activity_id] = self.for_organisation(db, organisation_id)
        return self._signers[activity_id]
