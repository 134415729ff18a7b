# Stage metrics, programs and budgets, follow-up campaigns and the VSM's
# weekly dashboard live here (later issues).
