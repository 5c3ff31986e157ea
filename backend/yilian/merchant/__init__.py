"""The merchant's side of the 益商联盟: a wallet, offers, voucher redemption and settlement.

Talks straight to the chain (no relay): a merchant's own key signs every transaction.
"""
