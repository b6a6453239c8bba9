"""The colours and the font every kdsl picture shares: pod phases, pod lifecycle states, chart series."""

from __future__ import annotations

# A pod's phase as kdsl's pods table shows it (Unknown on a node that cannot be reached); the topology fills
# pods with these too.
PHASE_COLOURS = {"Pending": "#fde68a", "Running": "#86efac", "Succeeded": "#93c5fd", "Failed": "#fca5a5",
                 "Unknown": "#d1d5db"}

# A Running pod that is not Ready (kubectl's READY 0/1: its readiness probe has not passed, a container is not
# running): the lifecycle chart's Running-but-not-Ready lime, lighter and yellower than Ready's green, so the two
# differ in greyscale and to a colour-blind eye; the topology also writes `0/1 ready` in the box, which needs no colour.
NOT_READY_COLOUR = "#d9f99d"

# The states of the lifecycle chart, in the order a pod usually meets them. The phases keep their colours
# (Ready is what Running means once the pod serves); the states within a phase are shades around them, the
# trouble states (a crash loop, any other container error) saturated so they catch the eye.
STATE_COLOURS = {"Pending": PHASE_COLOURS["Pending"], "ContainerCreating": "#fbbf24", "Running": NOT_READY_COLOUR,
                 "Ready": PHASE_COLOURS["Running"], "CrashLoopBackOff": "#ef4444", "Error": "#f97316",
                 "Terminating": "#a78bfa", "Succeeded": PHASE_COLOURS["Succeeded"], "Failed": PHASE_COLOURS["Failed"],
                 "Unknown": PHASE_COLOURS["Unknown"]}

# A workload's replica counts, as `kubectl describe deployment` words them.
REPLICA_COLOURS = {"desired": "#8b8f98", "current": "#60a5fa", "updated": "#c084fc", "ready": "#2dd4bf",
                   "available": "#4ade80"}

ENDPOINT_COLOURS = {"ready": PHASE_COLOURS["Running"], "not ready": "#fbbf24"}

# Allowed and denied connections (the connectivity heat-map, the policies drawn in the topology): Okabe and Ito's
# colour-blind-safe blue and vermillion, and their yellow for a group whose pod pairs differ; they also differ in
# lightness, so they read in greyscale. White text on the blue and the vermillion, dark text on the yellow.
CONNECTIVITY_COLOURS = {"allowed": "#0072B2", "partly allowed": "#F0E442", "denied": "#D55E00"}
CONNECTIVITY_TEXT = {"allowed": "#ffffff", "partly allowed": "#1e293b", "denied": "#ffffff"}

# Neutral marks (the `at` rule, a desired line) in a mid tone, readable on a light and on a dark background.
MID = "#8b8f98"

# One sans-serif font for every picture (graphviz and the charts): Helvetica where it exists, then its
# metric twins (Arial; Liberation Sans on Linux), then whatever sans-serif the system has.
FONT = "Helvetica, Arial, Liberation Sans, sans-serif"
