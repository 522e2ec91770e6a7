/**
 * A jest reporter for long suites: whenever 20 s pass with no suite finishing, it
 * prints which suites are still running and for how long, so `npm test` is never
 * silent for more than 20 s (the Terraform suites take minutes on a busy machine).
 */
const INTERVAL_MS = 20_000;

class ProgressReporter {
  constructor(_globalConfig, options = {}) {
    this.intervalMs = options.intervalMs ?? INTERVAL_MS;
    this.running = new Map();
    this.lastOutput = Date.now();
    this.timer = undefined;
  }

  onRunStart() {
    this.started = Date.now();
    this.timer = setInterval(() => this.tick(), Math.min(this.intervalMs, 5_000));
    this.timer.unref();
  }

  onTestStart(test) {
    this.running.set(test.path, Date.now());
  }

  onTestResult(test) {
    this.running.delete(test.path);
    this.lastOutput = Date.now();
  }

  tick() {
    const now = Date.now();
    if (this.running.size === 0 || now - this.lastOutput < this.intervalMs) return;
    const suites = [...this.running]
      .map(([file, since]) => `${file.replace(`${process.cwd()}/`, '')} (${Math.round((now - since) / 1000)} s)`)
      .join(', ');
    process.stderr.write(`… ${Math.round((now - this.started) / 1000)} s: still running ${suites}\n`);
    this.lastOutput = now;
  }

  onRunComplete() {
    clearInterval(this.timer);
  }
}

module.exports = ProgressReporter;
