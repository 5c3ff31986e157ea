"""Public pages (no API key): certificate verification from the QR code, district statistics.

They show what the paper certificate or an aggregate figure already shows, and nothing more.
"""
