"""Cross-cutting infrastructure shared by every domain; holds no domain logic."""
