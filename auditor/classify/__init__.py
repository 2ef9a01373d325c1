"""Domain classification: registrable domain and category."""
