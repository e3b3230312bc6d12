"""RehabDesk core: configuration, keys, the encrypted store, services and the command line. No Qt here."""

__version__ = "0.1.0"
