/**
 * Deploy freeze through LaunchDarkly: one boolean flag, evaluated for the
 * environment, freezes deploys to one environment or to all within seconds, with
 * no commit. On-call turns it on after an error budget burns, during an incident,
 * or to hold production.
 *
 * When LaunchDarkly cannot be reached (or the SDK key is not set, or the flag is
 * missing), the environment's explicit policy decides: fail closed (frozen) or
 * proceed. The result always says which policy applied, and the deploy record keeps it.
 */
import type { LDClient, LDOptions } from '@launchdarkly/node-server-sdk';
import { deployMessages } from '../../errors';
import { isRollbackRange } from '../break-glass';
import type { Flags } from '../../flags/schema';
import { block, pass, type Guard, type GuardResult } from './guard';

/** The LaunchDarkly SDK, loaded when a deploy asks it (not by every importer of the guard pack). */
const launchDarkly = () => require('@launchdarkly/node-server-sdk') as typeof import('@launchdarkly/node-server-sdk');

/** Key of the LaunchDarkly flag; true means deploys are frozen. */
export const DEPLOY_FREEZE_FLAG = 'fleetflags-deploy-freeze';
/** The environment variable holding the LaunchDarkly server-side SDK key. */
export const SDK_KEY_VARIABLE = 'LAUNCHDARKLY_SDK_KEY';
/** Environments that fail closed whatever their flags say. */
export const ALWAYS_FAIL_CLOSED: readonly string[] = ['production'];

export interface DeployNotFrozenOptions {
  /** LaunchDarkly server-side SDK key. @default process.env.LAUNCHDARKLY_SDK_KEY */
  readonly sdkKey?: string;
  /** The flag to evaluate. @default "fleetflags-deploy-freeze" */
  readonly flagKey?: string;
  /** How long to wait for LaunchDarkly, in seconds. @default 5 */
  readonly initTimeoutSeconds?: number;
  /**
   * Extra SDK options, merged over ours (`logger` at error level, no diagnostics).
   * Tests pass `{ updateProcessor: testData.getFactory(), sendEvents: false }`.
   * @default {}
   */
  readonly ldOptions?: LDOptions;
  /** Makes the client. @default init from @launchdarkly/node-server-sdk */
  readonly createClient?: (sdkKey: string, options: LDOptions) => LDClient;
}

/** What the guard does when LaunchDarkly cannot answer. */
export interface UnreachablePolicy {
  /** true: treat the environment as frozen (fail closed). */
  readonly freeze: boolean;
  /** Why: which setting decided, for the message and the deploy record. */
  readonly source: string;
}

/**
 * The environment's unreachable-policy: production always fails closed; others
 * follow `deploy.freezeWhenFlagServiceUnreachable` (default true, fail closed; an
 * emulated environment, with no deploy section, proceeds).
 */
export function unreachablePolicy(environment: string, flags: Pick<Flags, 'deploy'> & { readonly aws?: Pick<Flags['aws'], 'endpoint'> }): UnreachablePolicy {
  const setting = flags.deploy?.freezeWhenFlagServiceUnreachable;
  if (ALWAYS_FAIL_CLOSED.includes(environment)) {
    return { freeze: true, source: `${environment} always fails closed` };
  }
  // An emulated environment is an AWS emulator on this machine, outside the promotion: nothing to hold.
  if (setting === undefined && flags.aws?.endpoint !== undefined) {
    return { freeze: false, source: 'aws.endpoint is set: an emulated environment proceeds' };
  }
  if (setting === undefined) return { freeze: true, source: 'deploy.freezeWhenFlagServiceUnreachable is not set (default true)' };
  return { freeze: setting, source: `deploy.freezeWhenFlagServiceUnreachable = ${setting}` };
}

export function deployNotFrozen(options: DeployNotFrozenOptions = {}): Guard {
  const id = 'DeployNotFrozen';
  const flagKey = options.flagKey ?? DEPLOY_FREEZE_FLAG;
  const timeout = options.initTimeoutSeconds ?? 5;
  const createClient = options.createClient ?? ((key: string, ldOptions: LDOptions) => launchDarkly().init(key, ldOptions));
  const guard: Guard = {
    id,
    description: `Deploys are not frozen by the LaunchDarkly flag "${flagKey}" for this environment.`,
    run: async ({ environment, flagsFile, flags }): Promise<GuardResult> => {
      const policy = unreachablePolicy(environment, flags);
      const sdkKey = options.sdkKey ?? process.env[SDK_KEY_VARIABLE];
      const region = flags.aws.region;
      const details = { flagKey, policy: policy.freeze ? 'fail closed' : 'proceed', policySource: policy.source };

      const unanswered = (state: 'not configured' | 'unreachable' | 'flag error', reason: string): GuardResult => {
        const message = deployMessages.freezeUnanswered(environment, flagsFile, flagKey, state, reason, policy);
        const d = { ...details, state, reason };
        return policy.freeze ? block(id, message, d) : pass(id, message, d);
      };

      if (!sdkKey) return unanswered('not configured', `${SDK_KEY_VARIABLE} is not set`);

      const client = createClient(sdkKey, {
        diagnosticOptOut: true,
        ...options.ldOptions,
        // The SDK's own logger only when the caller brings none (making it loads the SDK).
        logger: options.ldOptions?.logger ?? launchDarkly().basicLogger({ level: 'error' }),
      });
      try {
        try {
          await client.waitForInitialization({ timeout });
        } catch (e) {
          return unanswered('unreachable', `LaunchDarkly did not initialize within ${timeout}s: ${(e as Error).message}`);
        }
        const context = { kind: 'environment', key: environment, name: environment, region };
        const detail = await client.variationDetail(flagKey, context, false);
        if (detail.reason.kind === 'ERROR' || typeof detail.value !== 'boolean') {
          const why = detail.reason.errorKind ?? `the flag's value is ${JSON.stringify(detail.value)}, not a boolean`;
          return unanswered('flag error', `evaluating "${flagKey}" failed: ${why}`);
        }
        const reason = describeReason(detail.reason);
        const d = { ...details, state: 'evaluated', frozen: detail.value, reason };
        return detail.value
          ? block(id, deployMessages.deployFrozen(environment, region, flagKey, reason), d)
          : pass(id, `not frozen: LaunchDarkly flag "${flagKey}" is off for ${environment} (${reason})`, d);
      } finally {
        client.close();
      }
    },
  };
  return {
    ...guard,
    // Break glass (lib/deploy/break-glass.ts): a frozen or unanswered freeze lets an
    // audited rollback through, never a feature change.
    run: async (context): Promise<GuardResult> => {
      const result = await guard.run(context);
      const { breakGlass } = context;
      if (result.outcome !== 'block' || !breakGlass) return result;
      const details = { ...result.details, breakGlass };
      const verified = context.rollback === true && context.commits !== undefined && (await isRollbackRange(context.commits, context.repoDir ?? process.cwd()));
      if (!verified) return block(id, `${result.message}\n${deployMessages.breakGlassNotRollback(context.environment, breakGlass.reason, context.rollback === true)}`, details);
      return pass(id, deployMessages.breakGlassUsed(context.environment, breakGlass, result.message), details);
    },
  };
}

function describeReason(reason: { kind: string; ruleIndex?: number; ruleId?: string }): string {
  switch (reason.kind) {
    case 'TARGET_MATCH':
      return 'targeted at this environment';
    case 'RULE_MATCH':
      return `rule ${reason.ruleId ?? reason.ruleIndex ?? '?'} matched`;
    case 'FALLTHROUGH':
      return 'the default rule, for every environment';
    case 'OFF':
      return 'targeting is off, the off variation';
    default:
      return reason.kind;
  }
}
