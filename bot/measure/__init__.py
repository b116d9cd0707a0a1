"""`kodeks eval` and `kodeks bench`: the checker scored on a corpus, checker and pipeline timed."""
