"""The deterministic control plane: store, API server, scheduler, kubelets and controllers."""
