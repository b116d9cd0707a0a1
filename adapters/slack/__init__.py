"""The Slack adapter on slack-bolt: converters, markup, ports and the runner."""
