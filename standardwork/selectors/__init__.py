"""Reads for standard-work pages, one module per concept: `templates`,
`checklists` (my standard work), `verification` (the verification board),
`adherence` (completion, minutes, misses by reason), `absences` (leave),
`followup`, `standups` and `cycles`."""
