/**
 * The handoff workflow is scheduled, thin (npm scripts only), least-privilege, and
 * never interpolates its input into a script.
 *
 * @reads .github/workflows/handoff.yml
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const wf = parse(readFileSync('.github/workflows/handoff.yml', 'utf8'));
const job = wf.jobs.handoff;

describe('handoff workflow', () => {
  it('GIVEN the workflow WHEN read THEN it runs weekly and by hand, with a --since input defaulting to 7d', () => {
    expect(wf.on.schedule).toEqual([{ cron: '0 8 * * 1' }]);
    expect(wf.on.workflow_dispatch.inputs.since.default).toBe('7d');
  });

  it('GIVEN the job WHEN read THEN it writes the summary and the weekly issue through npm run handoff, the input passed by env', () => {
    const runs = job.steps.filter((s: { run?: string }) => s.run).map((s: { run: string }) => s.run.trim());
    expect(runs).toEqual(['npm ci --ignore-scripts', 'npm run handoff -- --since "$SINCE" --step-summary --issue']);
    const step = job.steps.find((s: { run?: string }) => s.run?.startsWith('npm run handoff'));
    expect(step.env).toEqual({ SINCE: "${{ inputs.since || '7d' }}", GITHUB_TOKEN: '${{ github.token }}' });
  });

  it('GIVEN the job WHEN read THEN it has least privilege, a timeout, full history and no persisted credentials', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toEqual({ contents: 'read', deployments: 'read', issues: 'write' });
    expect(job['timeout-minutes']).toBe(10);
    const checkout = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/checkout'));
    expect(checkout.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
  });
});
