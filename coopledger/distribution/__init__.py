"""Income distribution and dividend statements (DESIGN §8)."""
