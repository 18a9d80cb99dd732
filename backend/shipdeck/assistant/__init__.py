"""The AI co-pilot: release explanations, release notes, project chat; token quotas."""
