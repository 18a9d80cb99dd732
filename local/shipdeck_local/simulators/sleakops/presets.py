"""Named faults for `X-Sim-Fault: <name>` and for rules; names can be combined with commas."""

from __future__ import annotations

from shipdeck_local.simulators.common.faults import Fault

PRESETS: dict[str, Fault] = {
    "reset": Fault(connection="reset"),
    "stall": Fault(connection="stall"),
    "close_after_headers": Fault(connection="close_after_headers"),
    "slow_first_byte": Fault(delay_s=5.0),
    "slow_body": Fault(trickle_bytes=8, trickle_delay_s=0.2),
    "stall_mid_body": Fault(stall_after_bytes=10),
    "malformed_json": Fault(malformed_json=True),
    "unauthorized": Fault(status=401),
    "forbidden": Fault(status=403, body_format="html"),
    "not_found": Fault(status=404),
    "rate_limited": Fault(status=429, body_format="html"),
    "server_error": Fault(status=500, body_format="html"),
    "bad_gateway": Fault(status=502, body_format="html"),
    "unavailable": Fault(status=503, body_format="empty"),
    "gateway_timeout": Fault(status=504, body_format="html"),
    "html_400": Fault(status=400, body_format="html"),
}
