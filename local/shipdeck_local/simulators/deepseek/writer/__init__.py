"""Plausible, deterministic answers about the project in the prompt.

Shipdeck asks three kinds of question: explain a release, write release notes, chat about a
project. The writer reads the conversation with loose heuristics (labelled lines such as
"Project:" or "Errors:", bullet lists, words like "failed"), not an exact prompt format, and
writes an answer from templates. The same conversation always gives the same answer.
"""

from shipdeck_local.simulators.deepseek.writer.compose import Reply, write_reply

__all__ = ["Reply", "write_reply"]
