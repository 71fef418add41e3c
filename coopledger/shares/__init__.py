"""Share classes, the append-only share register, holdings and share certificates."""
