"""Collective assets and resources (三资): fixed-asset cards and the resource register."""
