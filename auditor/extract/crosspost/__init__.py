"""Cross-post signals: this copy's own names, credit lines and rights lines."""
