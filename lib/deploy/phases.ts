/**
 * Where a deploy's time goes: the wall seconds of each phase (synthesis, each stack's
 * init, plan and show, the guards, each apply, health, the record), printed at the end
 * of `npm run deploy` and kept in the deploy record (`phases`), so a slow deploy says
 * which step was slow. Phases may overlap (the stacks are planned concurrently): each
 * is its own wall time, and `total` is the deploy's.
 */

export interface PhaseTiming {
  /** e.g. "synth", "plan sandbox-fleet", "apply sandbox-fleet". */
  readonly phase: string;
  /** Wall seconds, to 0.01 s. */
  readonly seconds: number;
  /** Why the phase did nothing (e.g. an init skipped because the directory is already initialized). */
  readonly note?: string;
}

export class PhaseTimer {
  private readonly recorded: PhaseTiming[] = [];
  private readonly started: number;

  /** @param now milliseconds from any fixed origin. @default performance.now */
  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  /** Runs `work` and records its wall time under `phase` (also when it throws). */
  async time<T>(phase: string, work: () => Promise<T> | T): Promise<T> {
    const started = this.now();
    try {
      return await work();
    } finally {
      this.add(phase, this.now() - started);
    }
  }

  /** Records a phase measured elsewhere, or one that was skipped (0 s with a note). */
  add(phase: string, milliseconds: number, note?: string): void {
    this.recorded.push({ phase, seconds: round(milliseconds / 1000), ...(note ? { note } : {}) });
  }

  /** The phases in the order they finished. */
  get timings(): readonly PhaseTiming[] {
    return [...this.recorded];
  }

  /** Seconds since the timer was made. */
  elapsedSeconds(): number {
    return round((this.now() - this.started) / 1000);
  }

  /** "timings (wall; concurrent phases overlap): synth 1.90 s, ... ; total 14.20 s" and a line per note. */
  format(): string[] {
    const phases = this.recorded.map((t) => `${t.phase} ${t.seconds.toFixed(2)} s`).join(', ');
    const notes = this.recorded.filter((t) => t.note).map((t) => `  ${t.phase}: ${t.note}`);
    return [`timings (wall; concurrent phases overlap): ${phases}; total ${this.elapsedSeconds().toFixed(2)} s`, ...notes];
  }
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;
