"""One-off build scripts that produce the shipped data; run by maintainers, not at run time."""
