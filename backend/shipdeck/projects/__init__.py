"""Projects and their environments."""
