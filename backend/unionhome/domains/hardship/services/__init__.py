"""Use cases of the hardship file, one module per sub-aggregate (households, lifecycle, reliefs, policies,
reviews due, statistics). Each owns its transaction and writes an audit row for every change."""
