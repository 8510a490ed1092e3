"""Developer tools that are not part of the product (run from the repository root)."""
