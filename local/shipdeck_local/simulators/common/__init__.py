"""Plumbing both simulators share: request log, fault rules, routing, the control API."""
