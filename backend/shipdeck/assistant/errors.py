from __future__ import annotations

from shipdeck.errors import NotFound, TooManyRequests


class AiQuotaExceeded(TooManyRequests):
    code = "ai_quota_exceeded"
    message = "Your team has used today's AI allowance; it renews at midnight UTC."


class ConversationNotFound(NotFound):
    code = "conversation_not_found"
    message = "Conversation not found."
