"""The value stream's pages, one module per concept (see valuestream.urls)."""
