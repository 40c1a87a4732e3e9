"""A reference simulator of a licensed e-receipt transmission provider (T-VAN), for tests and demos."""
