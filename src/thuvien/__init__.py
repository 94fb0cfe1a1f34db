"""thuvien — the platform for the digital transformation of Vietnam's library sector."""

__version__ = "0.1.0"
