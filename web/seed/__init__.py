"""Demo data for `vcourt seed`: the court registry and its video endpoints."""
