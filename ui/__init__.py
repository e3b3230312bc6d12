"""The PySide6 desktop GUI. Only this package imports Qt; it calls app services through the op runner."""
