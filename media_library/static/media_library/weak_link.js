// Falls to the audio-only rendition by itself on a link too slow for the lowest video rung, and
// comes back to video when the link recovers. Shared by the recording player (player.js) and
// the live stage (live/static/live/stage.js).
//
// Why not let hls.js do it: hls.js removes audio-only variants from a master playlist that also
// has video ones (its level controller; https://github.com/video-dev/hls.js/issues/4881 and
// /issues/2654: MSE cannot go from audio+video buffers to audio alone without stalling), so its
// ABR never chooses the audio rung the ladders put last. The players therefore measure the link themselves and load the audio-only
// media playlist as its own source.

const DOWN_MARGIN = 1.2; // fragments arrive slower than 1.2 × the lowest rung: not enough
const CLEARLY_TOO_SLOW = 0.75; // one fragment this slow is enough to switch
const UP_MARGIN = 1.6; // back to video only with clear room, so that it does not flap
const SAMPLES_TO_SWITCH = 2;
const MIN_AUDIO_MS = 10_000; // stay on sound for at least this long
const PROBE_MS = 20_000; // while on sound, re-measure the link this often
const TICK_MS = 1_000;

/** Bits per second of one loaded fragment, from hls.js's load statistics. */
function fragmentRate(frag) {
  const stats = frag?.stats;
  if (!stats || stats.aborted || !stats.loaded) return null;
  const ms = Math.max(1, stats.loading.end - stats.loading.start);
  return (stats.loaded * 8 * 1000) / ms;
}

export class WeakLink {
  /**
   * onWeak(): the link cannot carry the lowest video rung; play the audio-only rendition.
   * onRecovered(): the link carries video again; go back to the master playlist.
   */
  constructor({ onWeak, onRecovered }) {
    this.onWeak = onWeak;
    this.onRecovered = onRecovered;
    this.lowestVideo = 0; // bits per second the lowest video rung declares
    this.below = 0;
    this.above = 0;
    this.hls = null;
    this.mode = "video";
    this.since = 0;
    this.loading = null; // {started, duration} of the video fragment being loaded
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.lastProbe = 0;
  }

  /** Watch a hls.js instance that plays the master playlist. */
  watchVideo(hls, Hls) {
    this.hls = hls;
    this.mode = "video";
    this.below = 0;
    hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
      const rates = data.levels
        .filter((level) => level.width || level.height || level.videoCodec)
        .map((level) => level.bitrate)
        .filter((rate) => rate > 0);
      if (rates.length) this.lowestVideo = Math.min(...rates);
    });
    hls.on(Hls.Events.FRAG_LOADING, (_event, data) => {
      if (data.frag.type === "main") {
        this.loading = { started: performance.now(), duration: data.frag.duration || 4 };
      }
    });
    hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
      if (data.frag.type !== "main") return;
      this.loading = null;
      this.sampleVideo(fragmentRate(data.frag));
    });
  }

  /** Watch a hls.js instance that plays the audio-only media playlist after a fall. */
  watchAudio(hls, Hls) {
    this.hls = hls;
    this.mode = "audio";
    this.since = performance.now();
    this.lastProbe = this.since;
    this.above = 0;
    this.loading = null;
    hls.on(Hls.Events.FRAG_LOADED, (_event, data) => this.sampleAudio(fragmentRate(data.frag)));
  }

  sampleVideo(rate) {
    if (this.mode !== "video" || rate === null || !this.lowestVideo) return;
    if (rate < this.lowestVideo * CLEARLY_TOO_SLOW) this.below = SAMPLES_TO_SWITCH;
    else if (rate < this.lowestVideo * DOWN_MARGIN) this.below += 1;
    else this.below = 0;
    // hls.js's own estimate (an average of the same samples) must agree, unless one
    // fragment was clearly too slow.
    const estimate = this.hls?.bandwidthEstimate || 0;
    const agrees = estimate < this.lowestVideo * DOWN_MARGIN || rate < this.lowestVideo * CLEARLY_TOO_SLOW;
    if (this.below >= SAMPLES_TO_SWITCH && agrees) this.fall();
  }

  sampleAudio(rate) {
    if (this.mode !== "audio" || rate === null) return;
    this.above = rate > this.lowestVideo * UP_MARGIN ? this.above + 1 : 0;
    const settled = performance.now() - this.since > MIN_AUDIO_MS;
    if (this.above >= SAMPLES_TO_SWITCH && settled) this.recover();
  }

  fall() {
    this.mode = "switching";
    this.below = 0;
    this.onWeak();
  }

  recover() {
    this.mode = "switching";
    this.above = 0;
    this.onRecovered();
  }

  tick() {
    const now = performance.now();
    // A video fragment still loading after twice its play time cannot keep up, however slow
    // the link (no sample arrives until it is done).
    if (this.mode === "video" && this.loading && this.lowestVideo) {
      if (now - this.loading.started > this.loading.duration * 2000) {
        this.loading = null;
        this.fall();
      }
    }
    if (this.mode === "audio" && now - this.lastProbe > PROBE_MS) {
      this.lastProbe = now;
      this.probe();
    }
  }

  /** Re-fetch one audio fragment (no picture bytes) to learn whether the link has recovered:
   * once the sound is buffered, hls.js loads nothing more to measure. */
  async probe() {
    const fragments = this.hls?.levels?.[0]?.details?.fragments || [];
    const url = fragments[Math.floor(fragments.length / 2)]?.url;
    if (!url) return;
    const started = performance.now();
    try {
      const response = await fetch(url, { cache: "no-store" });
      const bytes = (await response.arrayBuffer()).byteLength;
      const ms = Math.max(1, performance.now() - started);
      if (response.ok) this.sampleAudio((bytes * 8 * 1000) / ms);
    } catch {
      // Offline for a moment: the next probe tries again.
    }
  }

  stop() {
    clearInterval(this.timer);
    this.hls = null;
    this.mode = "stopped";
  }
}
