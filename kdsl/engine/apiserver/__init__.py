"""The API server: authentication, RBAC, admission and validation, as pure functions over a store view."""
