/** Configurations and process checks for the provider-pool suites. */
import { readFileSync } from 'node:fs';
import { OFFLINE_ACCESS_KEY } from '../../lib/terraform/provider-access-keys';
import type { StackJson } from '../../lib/terraform/runner';

/** An offline provider configuration, as the sandbox's stacks synthesize it. */
export function offlineProvider(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: 'eu-west-1',
    access_key: OFFLINE_ACCESS_KEY,
    secret_key: OFFLINE_ACCESS_KEY,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: 'true',
    ...extra,
  };
}

/** A small offline configuration: one queue (the provider starts for validate, plan and show). */
export function offlineQueueStack(providers: Array<Record<string, unknown>> = [offlineProvider()]): StackJson {
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
    provider: { aws: providers },
    resource: { aws_sqs_queue: { q: { name: 'fleetflags-pool-test' } } },
  };
}

/** True while `pid` is a process that has not exited (a zombie has exited). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until none of `pids` runs, at most `timeoutMs`; the ones still running. */
export async function waitGone(pids: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const until = Date.now() + timeoutMs;
  let left = pids.filter(running);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(running);
  }
  return left;
}
