"""NetworkPolicy evaluation: which connections the policies let through, and why."""
