"""Named faults for `X-Sim-Fault: <name>` and for rules; names can be combined with commas."""

from __future__ import annotations

from shipdeck_local.simulators.common.faults import Fault, StreamFault

PRESETS: dict[str, Fault] = {
    # Connection-level
    "reset": Fault(connection="reset"),
    "stall": Fault(connection="stall"),
    "close_after_headers": Fault(connection="close_after_headers"),
    "slow_first_byte": Fault(delay_s=5.0),
    "queued": Fault(queue_delay_s=3.0),
    # Error statuses
    "unauthorized": Fault(status=401),
    "insufficient_balance": Fault(status=402),
    "unprocessable": Fault(
        status=422,
        body_format="text",
        message="Failed to deserialize the JSON body into the target type: invalid parameters",
    ),
    "rate_limited": Fault(status=429),
    "rate_limited_retry_after_long": Fault(status=429, headers={"retry-after": "300"}),
    "server_error": Fault(status=500),
    "bad_gateway": Fault(status=502, body_format="html"),
    "overloaded": Fault(status=503),
    "gateway_timeout": Fault(status=504, body_format="html"),
    "empty_500": Fault(status=500, body_format="empty"),
    "blank_200": Fault(blank_200=True),
    # Streams
    "stall_stream": Fault(stream=StreamFault(stall_after_chunks=2)),
    "keepalive_stall": Fault(queue_delay_s=2.5, stream=StreamFault(stall_after_chunks=0)),
    "no_done": Fault(stream=StreamFault(end="no_done")),
    "no_finish_reason": Fault(stream=StreamFault(end="no_finish_reason")),
    "reset_mid_stream": Fault(stream=StreamFault(end="reset", end_after_chunks=3)),
    "mid_stream_error": Fault(stream=StreamFault(error_after_chunks=2)),
    "duplicate_done": Fault(stream=StreamFault(duplicate="done")),
    "duplicate_final_chunk": Fault(stream=StreamFault(duplicate="final_chunk")),
    "truncated_json": Fault(stream=StreamFault(malformed="truncated_json")),
    "non_json": Fault(stream=StreamFault(malformed="non_json")),
    "missing_data_prefix": Fault(stream=StreamFault(malformed="missing_data_prefix")),
    "no_space": Fault(stream=StreamFault(malformed="no_space")),
    "crlf": Fault(stream=StreamFault(malformed="crlf")),
    "coalesced": Fault(stream=StreamFault(malformed="coalesced")),
    "split_event": Fault(stream=StreamFault(malformed="split_event")),
    "split_utf8": Fault(stream=StreamFault(malformed="split_utf8")),
    # Answers
    "insufficient_system_resource": Fault(finish_reason="insufficient_system_resource"),
    "content_filter": Fault(finish_reason="content_filter"),
    "empty_content": Fault(empty_content=True),
    "model_echo": Fault(model_echo="deepseek-chat"),
}
