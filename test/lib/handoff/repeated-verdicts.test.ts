/**
 * The handoff's "Freezes and overrides": the same let-through verdict deploy after
 * deploy (an environment with no flag service) is one row, not one per deploy.
 */
import { freezeAndOverrideEvents, repeatedVerdicts, type HandoffDeploy } from '../../../lib/handoff/handoff';

const UNANSWERED = 'LaunchDarkly not configured (LAUNCHDARKLY_SDK_KEY is not set); the unreachable-policy applies: proceed';
const deploy = (minute: number, extra: Partial<HandoffDeploy> = {}): HandoffDeploy => ({
  environment: 'sandbox',
  startedAt: `2026-11-27T10:${String(minute).padStart(2, '0')}:00Z`,
  commit: `${minute}`.padStart(40, 'a'),
  actor: 'Ada Operator',
  flagsChanged: [],
  outcome: 'success',
  simulated: false,
  guards: [],
  overrides: [],
  freeze: { outcome: 'warn', message: UNANSWERED },
  source: 'local',
  ...extra,
});

describe('repeatedVerdicts', () => {
  it('GIVEN three deploys let through by the same policy, an override among them THEN one run of three and the override', () => {
    const events = freezeAndOverrideEvents([
      deploy(1),
      deploy(2, { overrides: [{ guard: 'ChangeSize', trailer: 'Allow-Change-Size', value: 'CapacityMoveWithinLimit', commit: 'b'.repeat(40) }] }),
      deploy(3),
    ]);
    const runs = repeatedVerdicts(events);
    expect(runs.map((r) => r.map((e) => `${e.kind} ${e.d.startedAt.slice(11, 16)}`))).toEqual([
      ['freeze 10:03', 'freeze 10:02', 'freeze 10:01'],
      ['override 10:02'],
    ]);
  });

  it('GIVEN a refusal between verdicts THEN the refusal is its own row and breaks the run', () => {
    const events = freezeAndOverrideEvents([deploy(1), deploy(2, { outcome: 'guard-refused', freeze: { outcome: 'block', message: 'Deploys are frozen: incident 42' } }), deploy(3)]);
    expect(repeatedVerdicts(events).map((r) => r.length)).toEqual([1, 1, 1]);
  });
});
