"""DeepSeek: the AI co-pilot's model."""
