"""Volunteer service certificates (志愿服务证明): issued from the relay's confirmed attestations,
signed by the issuing organisation's key, verified by anyone against the chain.
"""
