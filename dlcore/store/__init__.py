"""The classroom store: runs, workspaces and classes in a SQL database.

SQLAlchemy 2 over SQLite (the embedded default, a WAL-mode file in the data
directory) or PostgreSQL (``DLP_DATABASE_URL``, for several app servers);
the schema is kept by Alembic migrations applied when the app starts. No
Streamlit here: the pages reach the store through ``ui.store``.
"""
