"""All writes to the value stream, one module per concept:

- `economics`: programs, budget allocations (the VSM only), spend, revenue;
- `prospects`: opt-out and bounce, the unsubscribe token, CSV imports;
- `campaigns`: campaigns, steps, scripts, enrolments and how they end;
- `engine`: the beat tick that executes due steps exactly once;
- `calls`: logging a call's outcome;
- `feed`: control-point values read from the call log;
- `training`: the weekly script-playback training.
"""
