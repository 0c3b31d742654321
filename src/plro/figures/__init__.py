"""The book's figures, one module per concept; every ``plot_*`` returns its matplotlib Figure."""
