"""Progress bars for long writes and reads: shown on a terminal, silent otherwise."""

from __future__ import annotations

from tqdm.auto import tqdm


def progress_bar(total: int, description: str, enabled: bool | None):
    """A step counter: ``enabled`` True shows it, False hides it, None shows it only on a terminal."""
    return tqdm(total=total, desc=description, unit="step", leave=False,
                disable=None if enabled is None else not enabled)
