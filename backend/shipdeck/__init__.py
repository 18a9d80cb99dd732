"""Shipdeck: a release console with an AI co-pilot."""
