"""Correction requests: a volunteer asks for a session to be corrected or a missing one added;
the organising organisation decides; an approved correction revokes on chain and issues the
corrected session through the normal attestation path."""
