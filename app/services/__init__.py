"""Use cases, one module each. Every call is one transaction with its outbox change and audit entry."""
