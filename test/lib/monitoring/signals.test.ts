/**
 * Every alarm's runbook link lands on a section of docs/operating.md: the anchors of
 * the signals table, and the links in every synthesized alarm description.
 *
 * @reads docs/operating.md
 */
import { readFileSync } from 'node:fs';
import { headingAnchor, SIGNALS, SIGNAL_IDS } from '../../../lib/monitoring/signals';
import { fleetFlags } from '../../helpers/fleet-flags';
import { synthFleetStack } from '../../helpers/fleet-synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** GitHub's anchors of docs/operating.md's headings (code blocks skipped). */
function operatingAnchors(): Set<string> {
  const text = readFileSync('docs/operating.md', 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => headingAnchor(m[1])));
}

describe('runbook links', () => {
  it('GIVEN GitHub\'s heading slugs WHEN a heading has punctuation THEN it is dropped and spaces become "-"', () => {
    expect(headingAnchor('Alarm: load-balancer 5xx rate')).toBe('alarm-load-balancer-5xx-rate');
    expect(headingAnchor('Unhealthy after deploy (exit 12)')).toBe('unhealthy-after-deploy-exit-12');
  });

  it('GIVEN every signal WHEN its anchor is looked up THEN docs/operating.md has that heading', () => {
    const anchors = operatingAnchors();
    for (const id of SIGNAL_IDS) expect({ id, found: anchors.has(SIGNALS[id].runbookAnchor) }).toEqual({ id, found: true });
  });

  it('GIVEN a fleet stack with every fleet WHEN its alarm descriptions are read THEN every runbook link resolves', () => {
    const anchors = operatingAnchors();
    const stack = synthFleetStack(fleetFlags({ catchUp: true, quarantines: true }));
    const alarms = Object.values(stack.resource.aws_cloudwatch_metric_alarm as Record<string, Json>);
    expect(alarms.length).toBeGreaterThanOrEqual(SIGNAL_IDS.length);
    for (const alarm of alarms) {
      const anchor = /Runbook: docs\/operating\.md#([a-z0-9-]+)$/.exec(alarm.alarm_description)?.[1];
      expect({ alarm: alarm.alarm_name, anchor, found: anchor !== undefined && anchors.has(anchor) }).toEqual({ alarm: alarm.alarm_name, anchor, found: true });
    }
  });

  it('GIVEN the links inside docs/operating.md WHEN followed THEN each lands on a heading of the file', () => {
    const anchors = operatingAnchors();
    const text = readFileSync('docs/operating.md', 'utf8');
    const links = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });
});
