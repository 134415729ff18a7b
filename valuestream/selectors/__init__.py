"""Reads for the value stream's pages, one module per concept, already joined."""
