"""Statistics for the civil-affairs office: volunteers, activities, hours and 益币 over a period,
with growth against the previous equal period, by category and by organisation.

Computed from the audit's event scan (the chain is the source of every number) plus the relay's
names for organisations.
"""
