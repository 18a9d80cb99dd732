"""Everything that stands in for AWS and the external services when Shipdeck runs on one machine."""
