"""DynamoDB: the table port, its client and table creation."""
