"""The audit tool: every event of the four contracts, the state rebuilt from those events alone,
reconciled with the contracts' current state and with the relay's records.

The event scan (`scanner`, `state`, `checkpoint`) is shared with the statistics (`yilian.stats`).
"""
