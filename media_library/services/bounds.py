"""What a video may decode to, and the size of every picture made from it.

A few kilobytes can describe an enormous video: 11,520 × 720 pixels, an hour at one frame a
second, a 720 × 720 frame whose pixels are declared sixteen times wider than high. Bytes on
disk say nothing about the memory and time a transcode takes, so the limits are on what
ffprobe says the video *is*, checked before any frame is decoded (at upload, and again before
processing); and every rendition is fitted into its rung's box without ever being enlarged.

Limits (config/env.py, README): ``MEDIA_MAX_WIDTH`` × ``MEDIA_MAX_HEIGHT`` in either
orientation (so never more pixels than their product), ``MEDIA_MAX_DURATION_SECONDS``,
``MEDIA_MAX_FPS``; the shape of the picture at most ``MAX_ASPECT_RATIO`` to one.
"""

from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext as _

# 32:9 "super ultra-wide" is 3.6:1; nothing a presenter records is wider (or taller) than 4:1.
MAX_ASPECT_RATIO = 4.0


class VideoOutOfBoundsError(Exception):
    """A video larger, longer or faster than the platform accepts; ``str()`` says which."""


@dataclass(frozen=True)
class Limits:
    width: int
    height: int
    duration_seconds: int
    fps: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def limits() -> Limits:
    return Limits(
        width=settings.MEDIA_MAX_WIDTH,
        height=settings.MEDIA_MAX_HEIGHT,
        duration_seconds=settings.MEDIA_MAX_DURATION_SECONDS,
        fps=settings.MEDIA_MAX_FPS,
    )


def ratio(text: str | None) -> Fraction | None:
    """ffprobe's "30000/1001" or "16:9" as a fraction; None for unknown ("0/0", "N/A")."""
    if not text:
        return None
    top, _sep, bottom = str(text).replace(":", "/").partition("/")
    try:
        value = Fraction(int(top), int(bottom or 1))
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def display_size(facts: dict) -> tuple[int, int]:
    """Width and height as the picture is shown: sample aspect ratio and rotation applied."""
    width, height = int(facts.get("width") or 0), int(facts.get("height") or 0)
    sar = ratio(facts.get("sample_aspect_ratio")) or Fraction(1)
    width = max(1, round(width * sar)) if width else 0
    if int(facts.get("rotation") or 0) % 180 == 90:
        width, height = height, width
    return width, height


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def check_video_bounds(facts: dict, within: Limits | None = None) -> None:
    """VideoOutOfBoundsError unless the probed video fits every limit (the settings' by default)."""
    bounds = within or limits()
    width, height = int(facts.get("width") or 0), int(facts.get("height") or 0)
    if width <= 0 or height <= 0:
        raise VideoOutOfBoundsError(_("The video's picture size could not be read."))
    if max(width, height) > bounds.width or min(width, height) > bounds.height:
        raise VideoOutOfBoundsError(
            _(
                "The video is %(width)s × %(height)s pixels; the largest accepted is "
                "%(max_width)s × %(max_height)s (in either orientation). Export it smaller."
            )
            % {
                "width": width,
                "height": height,
                "max_width": bounds.width,
                "max_height": bounds.height,
            }
        )
    _check_shape(facts)
    _check_time(facts, bounds)


def _check_shape(facts: dict) -> None:
    shown_width, shown_height = display_size(facts)
    shape = max(shown_width, shown_height) / max(1, min(shown_width, shown_height))
    if shape > MAX_ASPECT_RATIO:
        raise VideoOutOfBoundsError(
            _(
                "The video's picture is shown %(width)s × %(height)s: %(shape).1f times as wide "
                "as high (or as high as wide); at most %(max).0f is accepted."
            )
            % {
                "width": shown_width,
                "height": shown_height,
                "shape": shape,
                "max": MAX_ASPECT_RATIO,
            }
        )


def _check_time(facts: dict, bounds: Limits) -> None:
    duration = float(facts.get("duration") or 0)
    if duration > bounds.duration_seconds:
        raise VideoOutOfBoundsError(
            _("The video lasts %(duration)s; the longest accepted is %(max)s (h:mm:ss).")
            % {"duration": _clock(duration), "max": _clock(bounds.duration_seconds)}
        )
    fps = float(facts.get("frame_rate") or 0)
    if fps > bounds.fps + 0.01:  # 60000/1001 and the like are 59.94, not 60.01
        raise VideoOutOfBoundsError(
            _("The video has %(fps).2f frames per second; the most accepted is %(max)s.")
            % {"fps": fps, "max": bounds.fps}
        )


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def fit(facts: dict, box_width: int, box_height: int) -> tuple[int, int]:
    """The largest even size that keeps the shown shape, fits the box, and is no larger than
    the source: a rendition is never enlarged."""
    width, height = display_size(facts)
    if width <= 0 or height <= 0:
        width, height = 16, 9
    scale = min(box_width / width, box_height / height, 1.0)
    return _even(width * scale), _even(height * scale)
