"""Shared technical code with no business rules: search, text, XML, audit, jobs plumbing."""
