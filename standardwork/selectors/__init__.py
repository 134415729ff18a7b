"""Reads for standard-work pages: `checklists` (my standard work, the
verification board) and `adherence` (completion, minutes, misses by reason)."""
