"""Keeping an office's installation healthy: backup and restore, provisioning, diagnostics.

These are IT's tools (``rehabdesk backup``, ``restore``, ``provision``, ``diagnostics``) and what the
app runs for itself at start (``ensure_daily_backup``, ``finish_interrupted_restore``). No Qt here.
"""
