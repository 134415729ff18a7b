"""Views, one module per concept: `checklists` (my standard work, verification,
adherence, templates, leave), `standups` and `cycles`."""
