"""kodeks's application, platform-free: what happens to a message, and what the bot keeps.

Subpackages, lowest first (imports point down only; `lint-imports` holds them to it):
`domain` (the values, the agency's config, pure policy, the ports adapters implement),
`ops` (settings, metrics, health, logging), `store` (Redis), `attentiveness`, `pipeline`
(one message's way, commands), `audit` (`kodeks scan`) and `measure` (`kodeks eval`, `bench`).
"""
