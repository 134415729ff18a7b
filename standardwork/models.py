# Leader standard work, stand-ups, impediments, actions, PDCA/SDCA cycles and
# control points live here (issues "Leader standard work" and "Daily stand-ups").
