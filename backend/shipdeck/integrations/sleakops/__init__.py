"""SleakOps: builds and deployments."""
