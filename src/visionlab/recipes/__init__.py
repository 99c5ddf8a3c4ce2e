"""Built-in recipe TOML files (data only)."""
