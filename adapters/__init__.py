"""The edges: Telegram, Slack, the chat-export readers, and the CLI with the composition root."""
