"""Views, one module per concept: `checklists` (my standard work), `verification`
(the verification board), `adherence` (results), `templates`, `absences`
(leave), `standups` and `cycles`."""
