"""Certificates: UIN, rendering (Typst, PDF/A-2b), QR, security layers, PAdES signing and verification.

The library parts (``uin``, ``render``, ``qr``, ``security``, ``signing``, ``pki``, ``verify``) know
nothing of Flask; ``operations`` is the use-case layer called by the approval hook and the API.
"""
