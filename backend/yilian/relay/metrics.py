"""Prometheus metrics of the relay, served at /metrics."""

from prometheus_client import Counter, Gauge, Histogram

QUEUE_DEPTH = Gauge("yilian_outbox_attestations", "Attestations in the outbox by status", ["status"])
BATCH_SIZE = Histogram("yilian_batch_size", "Attestations per submitted batch", buckets=(1, 5, 10, 20, 50, 100, 200))
SUBMIT_LATENCY = Histogram(
    "yilian_checkout_to_confirmed_seconds",
    "From check-out to confirmation on chain",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 1800),
)
CONFIRMED = Counter("yilian_attestations_confirmed_total", "Attestations confirmed on chain")
REJECTED = Counter("yilian_attestations_rejected_total", "Attestations the chain rejected", ["reason"])
TRANSACTIONS = Counter("yilian_transactions_total", "Submitter transactions by outcome", ["outcome"])
WORKER_ERRORS = Counter("yilian_worker_errors_total", "Worker cycles that failed", ["kind"])
