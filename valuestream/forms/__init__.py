"""The value stream's forms, one module per concept."""
