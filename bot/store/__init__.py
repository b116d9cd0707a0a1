"""All Redis access: the store, every key, the Lua scripts, batching and the stored records."""
