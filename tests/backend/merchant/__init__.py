"""`yilian merchant` and the relay's merchant endpoints, on a real chain."""
