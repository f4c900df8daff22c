"""The live HLS ladder: one ffmpeg command for a session's feeds, and its master playlist.

Every rung's video is its own playlist without sound; the sound is in audio renditions (one
per language: the hall's, then each interpreter's), so that a player that picks the
audio-only variant on a weak link, or another language, keeps the same choice in every rung.
Segments are 2 s long and start on a key frame, whatever the encoder's key-frame interval.
Kept apart from media_library's pre-recorded (VOD) ladder on purpose: live encoding is tuned
for latency (zerolatency, short playlists) where VOD is tuned for size.
"""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language_info

SEGMENT_SECONDS = 2
PLAYLIST_SEGMENTS = 6
AUDIO_GROUP = "aud"
AUDIO_KBITS = 48
# What each rung's variant declares (video + its audio + container overhead, bits/s).
AUDIO_ONLY_BANDWIDTH = 64_000
# What the hall's encoder must send (docs/live-stage.md): the recording is kept as it was
# streamed and becomes an MP4 without re-encoding, which needs H.264 (FLV's older codecs,
# Sorenson H.263 or VP6, would be transcoded live but leave an unusable recording).
ACCEPTED_VIDEO = frozenset({"h264"})
PROBE_BYTES = 65_536
# Long enough for an encoder whose first picture trails its sound (a busy machine); the
# probe ends as soon as every stream is known, so this is a limit rather than a wait.
PROBE_MICROSECONDS = 2_000_000
LONG_PROBE_MICROSECONDS = 3_000_000  # more than an encoder's 2 s key-frame interval


@dataclass(frozen=True)
class Rung:
    name: str
    height: int
    video_kbits: int
    bandwidth: int
    codecs: str


RUNGS = (
    Rung("v720", 720, 2500, 2_800_000, "avc1.4d401f,mp4a.40.2"),
    Rung("v360", 360, 700, 850_000, "avc1.4d401e,mp4a.40.2"),
    # The low rung stays under 300 kbit/s with its sound: 200 + 48 + overhead.
    Rung("vlow", 240, 200, 300_000, "avc1.4d4015,mp4a.40.2"),
)


@dataclass(frozen=True)
class Feed:
    """A published stream the transcoder reads: ``language`` empty for the main feed."""

    url: str
    language: str = ""


def audio_folder(language: str) -> str:
    return f"a-{language or 'orig'}"


def ffmpeg_command(
    *, main: Feed, interpreters: list[Feed], folder: Path, long_probe: bool = False
) -> list[str]:
    """ffmpeg reading the main feed (video and the hall's sound) and each interpreter's
    audio-only feed, writing every rung and audio rendition under ``folder``.

    nginx sends H.264's and AAC's headers as soon as the transcoder plays, so a short probe
    finds the streams and the picture starts on the encoder's next key frame. Other codecs
    have no header: their first frame may come a key-frame interval later, after a short
    probe gave up (``long_probe``, after a try that found no video: then it is found, and
    refused by its name rather than told as missing)."""
    probe = LONG_PROBE_MICROSECONDS if long_probe else PROBE_MICROSECONDS
    inputs: list[str] = []
    for feed in (main, *interpreters):
        inputs += ["-fflags", "nobuffer", "-probesize", str(PROBE_BYTES * (8 if long_probe else 1))]
        inputs += ["-analyzeduration", str(probe), "-rw_timeout", "10000000"]
        inputs += ["-i", feed.url]
    split = "".join(f"[s{i}]" for i in range(len(RUNGS)))
    scales = ";".join(f"[s{i}]scale=-2:{rung.height}[{rung.name}]" for i, rung in enumerate(RUNGS))
    graph = f"[0:v:0]split={len(RUNGS)}{split};{scales}"
    maps: list[str] = []
    for rung in RUNGS:
        maps += ["-map", f"[{rung.name}]"]
    maps += ["-map", "0:a:0"]
    for index in range(len(interpreters)):
        maps += ["-map", f"{index + 1}:a:0"]
    rates: list[str] = []
    for i, rung in enumerate(RUNGS):
        kbits = f"{rung.video_kbits}k"
        rates += [f"-b:v:{i}", kbits, f"-maxrate:v:{i}", kbits, f"-bufsize:v:{i}", kbits]
    stream_map = [f"v:{i},name:{rung.name}" for i, rung in enumerate(RUNGS)]
    for index, feed in enumerate((main, *interpreters)):
        stream_map.append(f"a:{index},name:{audio_folder(feed.language)}")
    return [
        # info: the inputs' streams are told (the supervisor refuses a video codec other
        # than ACCEPTED_VIDEO), then little more than one line per segment.
        "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
        *inputs,
        "-filter_complex", graph,
        *maps,
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
        "-profile:v", "main", "-pix_fmt", "yuv420p", "-r", "30",
        "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})", "-sc_threshold", "0",
        *rates,
        "-c:a", "aac", "-b:a", f"{AUDIO_KBITS}k", "-ac", "2", "-ar", "48000",
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS),
        "-hls_list_size", str(PLAYLIST_SEGMENTS),
        "-hls_flags", "delete_segments+independent_segments+program_date_time",
        "-hls_start_number_source", "epoch",
        "-var_stream_map", " ".join(stream_map),
        "-hls_segment_filename", str(folder / "%v" / "seg_%d.ts"),
        str(folder / "%v" / "index.m3u8"),
    ]  # fmt: skip


def language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def master_playlist(*, hall_language: str, interpreted: list[str]) -> str:
    """The master playlist: the audio renditions by language, the video rungs, and the
    audio-only variant, all in one so a player can fall to sound alone by itself."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for language in ["", *interpreted]:
        code = language or hall_language
        default = "YES" if not language else "NO"
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",LANGUAGE="{code}",'
            f'NAME="{language_name(code)}",DEFAULT={default},AUTOSELECT=YES,'
            f'URI="{audio_folder(language)}/index.m3u8"'
        )
    for rung in RUNGS:
        width = rung.height * 16 // 9 // 2 * 2
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={rung.bandwidth},RESOLUTION={width}x{rung.height},"
            f'CODECS="{rung.codecs}",AUDIO="{AUDIO_GROUP}"'
        )
        lines.append(f"{rung.name}/index.m3u8")
    lines.append(
        f'#EXT-X-STREAM-INF:BANDWIDTH={AUDIO_ONLY_BANDWIDTH},CODECS="mp4a.40.2",'
        f'AUDIO="{AUDIO_GROUP}"'
    )
    lines.append(f"{audio_folder('')}/index.m3u8")
    return "\n".join(lines) + "\n"


def playlists(interpreted: list[str]) -> list[str]:
    """The media playlists the master names, relative to the session's folder."""
    names = [f"{rung.name}/index.m3u8" for rung in RUNGS]
    return names + [f"{audio_folder(lang)}/index.m3u8" for lang in ["", *interpreted]]
