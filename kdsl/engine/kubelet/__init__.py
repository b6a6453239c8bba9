"""The kubelet's rules as pure functions of integer-millisecond time: runtime, probes, phase, status, eviction."""
