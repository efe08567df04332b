"""Background jobs: the `jobs` table that mirrors every job the product starts, its API, and the
engine that runs them on RQ (see `core/jobs.py` for the public API services use)."""
