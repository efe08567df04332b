"""Use cases of the evidence archive: items (upload, confirm, read, delete), bundles, and the
verification work the jobs run."""
