"""The UCloud API client: signing, the receipt client and its error classes. No UI imports."""
