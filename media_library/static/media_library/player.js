// OpenIPS presentation player: premiere ("simulive") in step with the server clock,
// on-demand replay, a low-bandwidth audio-only mode, captions, watch-time beacons.
// hls.js is loaded only where the browser cannot play HLS itself; there, a link too slow for
// the lowest video rung falls to the audio-only rendition by itself (weak_link.js).
import { AudioLanguageMenu } from "./audio_languages.js";
import { WeakLink } from "./weak_link.js";

const DRIFT_SEEK_SECONDS = 1.0; // further off than this: jump
const DRIFT_NUDGE_SECONDS = 0.25; // further off than this: speed up or slow down a little
const BEACON_MS = 15000;
const LOW_BANDWIDTH_KEY = "openips:lowBandwidth";

let hlsScript = null;

function loadHlsJs(url) {
  if (!hlsScript) {
    hlsScript = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Hls);
      script.onerror = () => reject(new Error("hls.js failed to load"));
      document.head.append(script);
    });
  }
  return hlsScript;
}

function nativeHls(video) {
  // Safari and iOS play HLS themselves. Chromium's "maybe" is not trusted where MSE exists,
  // since hls.js there gives the same behaviour in every Chromium build.
  const answer = video.canPlayType("application/vnd.apple.mpegurl");
  return answer === "probably" || (answer === "maybe" && !("MediaSource" in window));
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const parts = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  const time = parts.map((n) => String(n).padStart(2, "0")).join(":");
  // The live room's format, so that both say the same thing: "6 d 18:26:05".
  return days ? `${days} d ${time}` : time;
}

class Player {
  constructor(root) {
    this.root = root;
    const data = root.dataset;
    this.video = root.querySelector("[data-video]");
    this.status = root.querySelector("[data-status]");
    this.countdown = root.querySelector("[data-countdown]");
    this.volume = root.querySelector("[data-volume]");
    this.muteButton = root.querySelector("[data-mute]");
    this.joinButton = root.querySelector("[data-join]");
    this.lowBandwidthBox = root.querySelector("[data-low-bandwidth]");
    this.captionSelect = root.querySelector("[data-captions]");
    this.weakStatus = root.querySelector("[data-weak-link]");
    // A recording with interpreters: its master playlist has an audio rendition per language.
    const languageSelect = root.querySelector("[data-audio-language]");
    this.languages = languageSelect
      ? new AudioLanguageMenu(languageSelect, languageSelect.closest("label"), data.textOriginal)
      : null;
    this.startsAt = Number(data.startsAt);
    this.duration = Number(data.duration);
    // Until the live room's socket reports the server clock, trust the clock of the render.
    this.offsetMs = Number(data.serverNow) - Date.now();
    this.source = null;
    this.hls = null;
    this.watched = 0;
    this.lastTime = null;
    this.seekStartedAt = null;
    this.seekLead = 0.3;
    this.lowBandwidth = localStorage.getItem(LOW_BANDWIDTH_KEY) === "1";
    // Sound only because the link is too slow (not the viewer's choice): comes back by itself.
    this.autoAudio = false;
    this.weakLink = null;
    this.lowBandwidthBox.checked = this.lowBandwidth;
    this.bind();
    this.tick();
    setInterval(() => this.tick(), 500);
    setInterval(() => this.beacon(), BEACON_MS);
  }

  bind() {
    document.addEventListener("openips:clock", (event) => {
      if (Number.isFinite(event.detail?.offsetMs)) this.offsetMs = event.detail.offsetMs;
    });
    this.joinButton.addEventListener("click", () => this.join());
    this.lowBandwidthBox.addEventListener("change", () => this.setLowBandwidth());
    this.captionSelect?.addEventListener("change", () => this.showCaptions());
    this.languages?.select.addEventListener("change", () =>
      this.languages.choose(this.languages.select.value),
    );
    // A premiere keeps everyone in step (no seeking), but volume and mute are the viewer's.
    this.volume?.addEventListener("input", () => {
      this.video.volume = Number(this.volume.value) / 100;
      this.video.muted = this.video.volume === 0;
      this.showMuted();
    });
    this.muteButton?.addEventListener("click", () => {
      this.video.muted = !this.video.muted;
      this.showMuted();
    });
    this.video.addEventListener("timeupdate", () => this.countWatched());
    this.video.addEventListener("playing", () => (this.joinButton.hidden = true));
    this.video.addEventListener("seeked", () => {
      if (!this.seekStartedAt) return;
      this.seekLead = Math.min(3, (performance.now() - this.seekStartedAt) / 1000);
      this.seekStartedAt = null;
    });
    window.addEventListener("pagehide", () => this.beacon(true));
  }

  now() {
    return Date.now() + this.offsetMs;
  }

  expected() {
    return (this.now() - this.startsAt) / 1000;
  }

  phase() {
    const position = this.expected();
    if (position < 0) return "before";
    return position < this.duration ? "premiere" : "replay";
  }

  showMuted() {
    this.muteButton?.setAttribute("aria-pressed", this.video.muted ? "true" : "false");
  }

  // The status is a live region: it changes (and is announced) once per phase, never with
  // each second of the countdown, which sits beside it outside any live region.
  setStatus(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  tick() {
    const phase = this.phase();
    this.root.dataset.phase = phase;
    this.root.dataset.mode = this.audioOnly() ? "audio" : "video";
    this.video.controls = phase === "replay";
    const data = this.root.dataset;
    for (const control of [this.volume, this.muteButton]) {
      if (control) control.hidden = phase !== "premiere";
    }
    if (this.volume?.parentElement) this.volume.parentElement.hidden = phase !== "premiere";
    if (this.countdown) {
      const text = phase === "before" ? `${data.textBefore} ${clock(-this.expected())}` : "";
      if (this.countdown.textContent !== text) this.countdown.textContent = text;
    }
    if (phase === "before") {
      this.setStatus(data.textWaiting);
      this.joinButton.hidden = true;
      return;
    }
    if (phase === "premiere") {
      this.setStatus(data.textPremiere);
      this.joinButton.textContent = data.textJoin;
      if (this.video.paused) this.joinButton.hidden = false;
      this.correctDrift();
    } else {
      this.setStatus(data.textReplay);
      // A replay is not joined: it is played.
      this.joinButton.textContent = data.textPlay;
      this.video.playbackRate = 1;
      if (!this.source) this.joinButton.hidden = false;
    }
  }

  correctDrift() {
    if (this.video.paused || this.video.readyState < 3 || this.seekStartedAt) return;
    const drift = this.expected() - this.video.currentTime;
    if (Math.abs(drift) > DRIFT_SEEK_SECONDS) {
      // A seek takes time to buffer: aim as far ahead as the last seek took.
      this.seekStartedAt = performance.now();
      this.video.currentTime = Math.min(this.duration, this.expected() + this.seekLead);
      this.video.playbackRate = 1;
    } else if (Math.abs(drift) > DRIFT_NUDGE_SECONDS) {
      this.video.playbackRate = drift > 0 ? 1.05 : 0.95;
    } else {
      this.video.playbackRate = 1;
    }
  }

  audioOnly() {
    return this.lowBandwidth || this.autoAudio;
  }

  async attach() {
    const url = this.audioOnly() ? this.root.dataset.audio : this.root.dataset.master;
    if (this.source === url) return;
    this.source = url;
    this.hls?.destroy();
    this.hls = null;
    if (nativeHls(this.video)) {
      this.video.src = url;
      return;
    }
    const Hls = await loadHlsJs(this.root.dataset.hlsJs);
    if (!Hls.isSupported()) {
      this.status.textContent = this.root.dataset.textError;
      return;
    }
    this.hls = new Hls({ startPosition: Math.max(0, this.startPosition()) });
    this.hls.on(Hls.Events.ERROR, (_event, error) => {
      if (error.fatal) this.status.textContent = this.root.dataset.textError;
    });
    if (this.languages) {
      this.hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => this.languages.fill(this.hls));
    }
    this.watchLink(Hls);
    this.hls.loadSource(url);
    this.hls.attachMedia(this.video);
  }

  // The viewer's "Low bandwidth" choice stands; otherwise the link decides, both ways.
  watchLink(Hls) {
    if (this.lowBandwidth) return;
    this.weakLink ??= new WeakLink({
      onWeak: () => this.setAutoAudio(true),
      onRecovered: () => this.setAutoAudio(false),
    });
    if (this.autoAudio) this.weakLink.watchAudio(this.hls, Hls);
    else this.weakLink.watchVideo(this.hls, Hls);
  }

  setAutoAudio(on) {
    this.autoAudio = on;
    this.root.dataset.mode = this.audioOnly() ? "audio" : "video";
    this.root.dataset.autoAudio = on ? "1" : "";
    // A mark in the page's timeline: tests tell the requests before the switch from those after.
    performance.mark(on ? "openips:audio-only" : "openips:video");
    this.weakStatus.textContent = on ? this.root.dataset.textWeakLink : "";
    // Keeps the place (replay) or the shared point (premiere), as the viewer's switch does;
    // paused, the next source waits at the same place for the viewer's play.
    if (!this.video.paused) this.join();
    else this.attach();
  }

  startPosition() {
    return this.phase() === "premiere" ? this.expected() : this.video.currentTime || 0;
  }

  async join() {
    const resumeAt = this.startPosition();
    await this.attach();
    this.video.currentTime = resumeAt;
    try {
      await this.video.play();
      this.joinButton.hidden = true;
      this.showCaptions();
    } catch (error) {
      this.status.textContent = this.root.dataset.textBlocked;
    }
  }

  setLowBandwidth() {
    this.lowBandwidth = this.lowBandwidthBox.checked;
    if (this.autoAudio) {
      // The viewer has decided: sound only stays, or video is tried again.
      this.autoAudio = false;
      this.root.dataset.autoAudio = "";
      this.weakStatus.textContent = "";
    }
    localStorage.setItem(LOW_BANDWIDTH_KEY, this.lowBandwidth ? "1" : "0");
    const wasPlaying = !this.video.paused;
    this.video.pause();
    this.root.dataset.mode = this.audioOnly() ? "audio" : "video";
    // Low bandwidth never starts a video by itself; switching while playing keeps the place.
    if (wasPlaying) this.join();
    else this.joinButton.hidden = false;
  }

  showCaptions() {
    const wanted = this.captionSelect?.value || "";
    for (const track of this.video.textTracks) {
      track.mode = track.language === wanted ? "showing" : "disabled";
    }
  }

  countWatched() {
    const time = this.video.currentTime;
    if (this.lastTime !== null && !this.video.paused) {
      const step = time - this.lastTime;
      if (step > 0 && step < 2) this.watched += step;
    }
    this.lastTime = time;
  }

  beacon(leaving = false) {
    const seconds = Math.floor(this.watched);
    if (seconds < 1) return;
    this.watched -= seconds;
    const body = JSON.stringify({
      presentation: Number(this.root.dataset.presentation),
      seconds,
      position: Math.floor(this.video.currentTime),
    });
    fetch(this.root.dataset.beacon, {
      method: "POST",
      body,
      keepalive: leaving,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.root.dataset.csrf },
    }).catch(() => {
      this.watched += seconds; // offline for a moment: send it with the next beacon
    });
  }
}

for (const root of document.querySelectorAll("[data-media-player]")) {
  if (!root.player) root.player = new Player(root);
}
