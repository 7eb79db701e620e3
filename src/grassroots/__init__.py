"""Grassroots: grow the membership of a hierarchical organisation."""
