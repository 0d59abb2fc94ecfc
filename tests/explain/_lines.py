"""Find a test file's line by a ``# @name`` marker, independently of gradtape."""
import os


def marked(path, name):
    """``"file.py:N"`` for the line of ``path`` tagged with ``# @name``."""
    with open(path) as f:
        for n, text in enumerate(f, 1):
            if text.rstrip().endswith(f"# @{name}"):
                return f"{os.path.basename(path)}:{n}"
    raise LookupError(f"no line tagged @{name} in {path}")


def site_is(reason, path, name):
    """Whether ``reason``'s site is the tagged line (and the message says so too)."""
    want = marked(path, name)
    return reason.site is not None and str(reason.site).endswith(want) and want in str(reason)
