"""Clients of the external services, each with its own deadlines, retries, breaker and bulkhead."""
