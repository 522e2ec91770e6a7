import { FleetflagsError } from './base';

/** Errors of the constructs: monitoring (alarms, dashboard, topic) and cost estimates. */
export const constructErrors = {
  alarmDescriptionTooLong: (alarm: string, length: number, max: number) =>
    new FleetflagsError(
      `alarm ${alarm}: its description is ${length} characters; CloudWatch allows at most ${max}. ` +
        'Fix: shorten the signal\'s meaning or checkFirst in lib/monitoring/signals.ts, or the flags\' alarms.runbookUrl.',
    ),
  alarmMetricsInvalid: (alarm: string, ids: readonly string[]) =>
    new FleetflagsError(
      `alarm ${alarm}: without an expression it watches exactly one metric; got ${ids.length} (${JSON.stringify(ids)}). ` +
        'Fix: pass one metric, or an expression that combines them.',
    ),
};

export const costErrors = {
  priceTableInvalid: (file: string, problem: string) =>
    new FleetflagsError(
      `the price table ${file} is invalid: ${problem}. Fix: correct the entry (every price in USD per hour, a date and a source).`,
    ),
};
