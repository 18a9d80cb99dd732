"""Local stand-ins for the two external services Shipdeck consumes: DeepSeek and SleakOps.

Each simulator is a plain ASGI app (``deepseek.create_app``, ``sleakops.create_app``) served by
uvicorn, with a control endpoint under ``/_sim/`` for faults, scripts, the request log and
resets. See docs/simulators.md.
"""
