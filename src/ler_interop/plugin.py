"""pytest plugin for ler-interop (registered as a pytest11 entry point)."""
