"""Controllers: level-triggered, one file each, woken by store changes, acting through the API."""
