// Device check: camera preview, microphone level, speaker test, and a plain message when the
// browser refuses permission or finds no device. Returns the working stream to the caller.

export function problemKind(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "nodevice";
    case "NotReadableError":
    case "AbortError":
      return "busy";
    default:
      return "other";
  }
}

export class DeviceCheck {
  constructor({ video, meter, onLevel }) {
    this.video = video;
    this.meter = meter;
    this.onLevel = onLevel || (() => {});
    this.stream = null;
    this.audio = null;
    this.peak = 0;
  }

  async start({ cameraId, micId } = {}) {
    this.stop();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      const error = new Error("no mediaDevices");
      error.name = "NotFoundError";
      throw error;
    }
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: cameraId ? { deviceId: { exact: cameraId } } : true,
      audio: micId ? { deviceId: { exact: micId } } : true,
    });
    this.video.srcObject = this.stream;
    await this.video.play().catch(() => {});
    this.listen();
    return this.stream;
  }

  listen() {
    const Context = window.AudioContext || window.webkitAudioContext;
    this.audio = new Context();
    const source = this.audio.createMediaStreamSource(this.stream);
    const analyser = this.audio.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      if (!this.audio) return;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      this.peak = Math.max(this.peak, level);
      this.meter.value = level;
      this.onLevel(level, this.peak);
      requestAnimationFrame(tick);
    };
    this.audio.resume().then(tick);
  }

  async devices() {
    const all = await navigator.mediaDevices.enumerateDevices();
    return {
      cameras: all.filter((d) => d.kind === "videoinput"),
      mics: all.filter((d) => d.kind === "audioinput"),
    };
  }

  videoWorks() {
    return this.video.videoWidth > 0 && this.video.readyState >= 2;
  }

  async playTone(seconds = 1) {
    const Context = window.AudioContext || window.webkitAudioContext;
    const context = new Context();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 440;
    gain.gain.value = 0.2;
    oscillator.connect(gain).connect(context.destination);
    await context.resume();
    oscillator.start();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    oscillator.stop();
    await context.close();
  }

  stop() {
    if (this.audio) {
      this.audio.close();
      this.audio = null;
    }
    if (this.stream) {
      for (const track of this.stream.getTracks()) track.stop();
      this.stream = null;
    }
  }
}
