"""Privacy helpers for what residents type: finding what could identify the person reporting."""

from bot.privacy.identifying import (
    Finding,
    find_identifying,
    has_content,
    start_warm_up,
    warm_up,
    without,
)

__all__ = ["Finding", "find_identifying", "has_content", "start_warm_up", "warm_up", "without"]
