"""Repo-root conftest: the suite's own tests drive the plugin through pytester."""

pytest_plugins = ["pytester"]
