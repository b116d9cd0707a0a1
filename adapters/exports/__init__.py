"""Chat-export readers (Telegram Desktop, Slack) implementing `bot.domain.exports.Export`."""
