"""Logs, request context and metrics (CloudWatch reads the JSON lines this writes)."""
