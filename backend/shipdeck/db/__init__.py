"""The relational database: engine, sessions, the model base and migrations."""
