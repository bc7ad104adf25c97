"""Template filters of the analysis pages."""

from __future__ import annotations

from django import template

register = template.Library()

_STATUS_BADGES = {
    "queued": "text-bg-secondary",
    "running": "text-bg-primary",
    "succeeded": "text-bg-success",
    "failed": "text-bg-danger",
    "cancelled": "text-bg-warning",
}


@register.filter
def duration(seconds: float | None) -> str:
    """Run time for people: ``0.4 s``, ``12 s``, ``3 min 20 s``, ``1 h 5 min``."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap badge class of a job status."""
    return _STATUS_BADGES.get(status, "text-bg-light")


@register.filter
def stat(value: float | None, digits: int = 3) -> str:
    """A statistic to ``digits`` significant figures (whole numbers from 1,000 up); a dash
    when undefined."""
    if value is None:
        return "—"
    if abs(value) >= 10**digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


@register.filter
def p_value(value: float | None) -> str:
    """A p-value to three decimals; smaller ones in scientific notation."""
    if value is None:
        return "—"
    if value == 0:
        return "< 1e-300"  # below what a double can hold: the normal tail underflowed
    return f"{value:.3f}" if value >= 0.001 else f"{value:.1e}"


@register.filter
def share_percent(value: float | None) -> str:
    """A share (0–1) as a percentage for people: ``45 %``, ``4.5 %``; a dash when undefined."""
    if value is None:
        return "—"
    percent = 100 * float(value)
    return f"{percent:.0f} %" if percent >= 10 or percent == 0 else f"{percent:.1f} %"
