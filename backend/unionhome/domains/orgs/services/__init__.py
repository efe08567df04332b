"""Use cases of the org register, split by aggregate (tree, employers, members, cadres, reports)."""
