"""The soak's parts: RPC endpoints that drop out, volunteer apps, the faults, the tally."""
