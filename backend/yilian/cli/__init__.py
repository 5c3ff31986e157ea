"""The `yilian` command: relay operation, API keys (and merchant and audit tools)."""
