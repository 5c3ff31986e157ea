"""One exception root for the governance tools."""


class GovernanceError(Exception):
    """Something the department can act on; the CLI prints the message and exits non-zero."""
