import pytest


@pytest.fixture(autouse=True)
def _reset_search_backends():
    """Each test opens indexes afresh, so settings overrides take effect."""
    from thuvien.kernel.search import search_backends

    search_backends.reset()
    yield
    search_backends.reset()
