"""Foundations every app builds on; imports no domain app."""
