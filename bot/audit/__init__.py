"""`kodeks scan`: an export put through the bot's judgement, counted, and reported as HTML."""
