"""Shipdeck infrastructure: one construct per part of the architecture diagram."""
