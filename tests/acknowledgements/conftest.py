"""Fixtures live in tests/conftest.py: campaign, due_on and quiz_directive are shared."""
