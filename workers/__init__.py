"""Worker, scheduler and health-check processes (job functions live in each domain's jobs.py)."""
