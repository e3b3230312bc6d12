"""Forms a worker fills fast: defaults, keyboard order, Enter to save, Esc to cancel, errors beside fields."""
