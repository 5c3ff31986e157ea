"""Yilian (益链): tamper-proof volunteer service hours and 益币 points."""
