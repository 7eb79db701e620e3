"""No tables of its own yet."""
