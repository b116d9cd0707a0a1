"""The values everything else passes around: messages, config, pure policy, time, and the
ports (outbound protocols and the export reader) that adapters implement."""
