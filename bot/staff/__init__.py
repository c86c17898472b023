"""The staff dashboard: accounts, sessions, audit log and the report pages (issue 4).

A separate aiohttp app (``python -m bot.staff``, 127.0.0.1:8081) that the public web app
forwards /staff to. It alone holds the private keyring. See docs/staff-dashboard.md.
"""
