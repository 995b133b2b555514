"""Personal data kept out of the application log: addresses are masked, people are ids.

The log is read by operators and kept by the host longer than the retention rules allow for
personal data, so a log line names the outbox message or the user by id, and an address only
masked (``t***@example.jp``): enough to tell two domains apart, not to write to anyone.
"""

import re

# Quotes, brackets and slashes are legal in an address but end one in repr() and error text.
_ADDRESS = re.compile(r"[\w.!#$%&*+=?^~-]+@[\w-]+(?:\.[\w-]+)+")


def mask_email(address: str) -> str:
    """``taro.yamada@example.jp`` -> ``t***@example.jp``; anything else -> ``***``."""
    local, at, domain = str(address).strip().rpartition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


def redact_emails(text) -> str:
    """The text with every address in it masked (error messages of mail servers quote them)."""
    return _ADDRESS.sub(lambda match: mask_email(match.group(0)), str(text))
