"""HTTP plumbing shared by every feature: middleware, pagination."""
