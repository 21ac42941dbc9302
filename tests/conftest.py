"""Shared pytest hooks for the test suite."""


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Report how long the clean book build took (set by the `book` fixture of test_book.py)."""
    seconds = getattr(config, "book_build_seconds", None)
    if seconds is not None:
        terminalreporter.write_sep("-", f"clean book build: {seconds:.1f} s")
