"""A fuzz harness that stays: mutated scenarios, manifests and simulation extremes, each under an alarm and a cap."""
