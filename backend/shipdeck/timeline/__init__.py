"""The project timeline: events written with the change that caused them, relayed to DynamoDB,
read as pages and live streams."""
