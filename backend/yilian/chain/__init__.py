"""Chain-facing helpers: EIP-712 types, signing and contract access."""
