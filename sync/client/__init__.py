"""The sync client: enrolment, push, pull and merge, USB bundles, and the command line's sync commands.

It imports the core (``app``, ``models``) and ``sync.protocol``, never Qt and never the server; its HTTP
uses the standard library only, so the desktop build needs no extra package. The desktop app's
scheduler (``ui.sync_scheduler``) drives the same steps (``sync.client.flow``) through the op runner.
"""
