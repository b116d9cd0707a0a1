"""The terminal edge: the `kodeks` command and the composition root of `kodeks run`."""
