"""Discover: the lists an app browses (activities near the volunteer, organisations, merchants and
their live offers, the volunteer's own sessions and 益币 history). Read-only, keyset-paginated."""
