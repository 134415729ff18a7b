"""Forms, one module per concept, beside the views that use them."""
