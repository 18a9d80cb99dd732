"""Builds and deployments on SleakOps: starting them, following them, their history."""
