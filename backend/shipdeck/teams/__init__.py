"""Teams, members and roles."""
