"""Audit log storage backends."""
