"""Operations: settings from the environment, Prometheus metrics, health endpoints, logging."""
