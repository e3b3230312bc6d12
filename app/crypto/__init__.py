"""Keys and ciphers: nothing personal leaves the process unsealed."""
