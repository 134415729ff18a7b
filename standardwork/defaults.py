"""The defaults every installation starts with: reasons for a miss and each
layer's target share of working time in standard work. Plain constants, so
the data migration can use them as well as the services."""

MISS_REASONS = [
    "Customer call or meeting ran over",
    "Urgent request from a customer",
    "Urgent request from inside the company",
    "Waiting for someone or something",
    "System or tool not working",
    "Not enough time planned",
    "Forgot",
]

# David Mann's shares (Creating a Lean Culture), front line lower in sales and marketing.
LAYER_TARGETS = {"tl": 80, "tc": 50, "vsm": 25, "mc": 50, "member": 50}
