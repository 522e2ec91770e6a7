/**
 * A section of the PR comment owned by its own module (change size, ...): render.ts
 * shows `render(environment)` in each environment's part, after the flags table, and
 * puts `json()` under `sections.<id>` of `--format json`.
 */
export interface PlanCommentSection {
  readonly id: string;
  /** Markdown for one environment, or undefined for nothing. */
  render(environment: string): string | undefined;
  json(): unknown;
}
