"""The Telegram adapter on aiogram: converters, ports, the runner, webhook and log filter."""
