"""One exception root for the merchant tools: every refusal says in plain words what is wrong."""


class MerchantError(Exception):
    """Something the merchant can act on; the CLI prints the message and exits non-zero."""


class VoucherRefused(MerchantError):
    """A voucher the alliance would refuse: found before any transaction, so no gas is spent."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"this voucher cannot be redeemed; nothing was sent:\n{listed}")
