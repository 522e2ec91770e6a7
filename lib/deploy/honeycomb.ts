/**
 * Honeycomb deploy markers: a vertical line on every graph of the dataset (or of
 * the whole environment, dataset "__all__") at the time of each deploy, linking to
 * the run. On when HONEYCOMB_API_KEY is set.
 * @see https://docs.honeycomb.io/api/tag/Markers
 */
import { deployErrors } from '../errors';

export interface HoneycombConfig {
  /** A configuration API key allowed to manage markers. */
  readonly apiKey: string;
  /** Dataset slug; "__all__" marks every dataset of the environment. @default "__all__" */
  readonly dataset: string;
  /** @default "https://api.honeycomb.io" */
  readonly apiUrl: string;
}

/** HONEYCOMB_API_KEY, HONEYCOMB_DATASET, HONEYCOMB_API_URL; undefined when no key is set (markers off). */
export function honeycombConfigFromEnv(env: NodeJS.ProcessEnv = process.env): HoneycombConfig | undefined {
  if (!env.HONEYCOMB_API_KEY) return undefined;
  return {
    apiKey: env.HONEYCOMB_API_KEY,
    dataset: env.HONEYCOMB_DATASET || '__all__',
    apiUrl: (env.HONEYCOMB_API_URL || 'https://api.honeycomb.io').replace(/\/+$/, ''),
  };
}

export interface Marker {
  /** e.g. "deploy production abc1234 (#42) by alice: success". */
  readonly message: string;
  /** Link to the run. */
  readonly url?: string;
  /** @default "deploy" */
  readonly type?: string;
  /** A marker spanning the deploy, when both are given; a point in time otherwise. */
  readonly startTime?: Date;
  readonly endTime?: Date;
}

/** Posts the marker; returns its ID. Throws a FleetflagsError on failure (callers treat it as a warning). */
export async function postMarker(config: HoneycombConfig, marker: Marker, timeoutMs = 10_000): Promise<{ id?: string }> {
  const url = `${config.apiUrl}/1/markers/${encodeURIComponent(config.dataset)}`;
  const body: Record<string, unknown> = { message: marker.message, type: marker.type ?? 'deploy' };
  if (marker.url) body.url = marker.url;
  if (marker.startTime) body.start_time = Math.floor(marker.startTime.getTime() / 1000);
  if (marker.endTime) body.end_time = Math.floor(marker.endTime.getTime() / 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'X-Honeycomb-Team': config.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw deployErrors.honeycombMarkerFailed(url, undefined, (e as Error).message, config.apiKey);
  }
  const text = await response.text();
  if (!response.ok) throw deployErrors.honeycombMarkerFailed(url, response.status, text, config.apiKey);
  try {
    return { id: (JSON.parse(text) as { id?: string }).id };
  } catch {
    return {};
  }
}

/** The marker text of a deploy: environment, short commit, PR, actor, outcome. */
export function deployMarkerMessage(d: {
  readonly environment: string;
  readonly commit: string;
  readonly pr?: number;
  readonly actor: string;
  readonly outcome: string;
  /** Guard refusals let through by a trailer; named in the marker so the graph says why. */
  readonly overrides?: readonly { readonly trailer: string; readonly value: string }[];
}): string {
  const overrides = (d.overrides ?? []).map((o) => `${o.trailer}: ${o.value}`).join('; ');
  return `deploy ${d.environment} ${d.commit.slice(0, 7)}${d.pr ? ` (#${d.pr})` : ''} by ${d.actor}: ${d.outcome}${overrides ? ` (override ${overrides})` : ''}`;
}

/** What the error-budget guard reads of one SLO. */
export interface SloBudget {
  readonly dataset: string;
  readonly sloId: string;
  /** Percent of the error budget left; negative when overspent. */
  readonly budgetRemainingPercent: number;
  /** The SLO's name in Honeycomb, when it says. */
  readonly name?: string;
}

/**
 * Reads an SLO's remaining error budget: `GET /1/slos/{dataset}/{sloId}?detailed=true`,
 * field `budget_remaining` (percent). Throws a FleetflagsError when Honeycomb cannot
 * answer (network, non-2xx, no budget_remaining); the message never holds the key.
 * @see https://docs.honeycomb.io/api/tag/SLOs
 */
export async function fetchSloBudget(
  config: Pick<HoneycombConfig, 'apiKey' | 'apiUrl'>,
  dataset: string,
  sloId: string,
  timeoutMs = 10_000,
): Promise<SloBudget> {
  const url = `${config.apiUrl}/1/slos/${encodeURIComponent(dataset)}/${encodeURIComponent(sloId)}?detailed=true`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'X-Honeycomb-Team': config.apiKey, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw deployErrors.honeycombSloFailed(url, undefined, (e as Error).message, config.apiKey);
  }
  const text = await response.text();
  if (!response.ok) throw deployErrors.honeycombSloFailed(url, response.status, text, config.apiKey);
  let json: { budget_remaining?: unknown; name?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw deployErrors.honeycombSloFailed(url, response.status, `not JSON: ${text}`, config.apiKey);
  }
  if (typeof json.budget_remaining !== 'number' || !Number.isFinite(json.budget_remaining)) {
    throw deployErrors.honeycombSloFailed(url, response.status, `no numeric budget_remaining (is ?detailed=true honoured?): ${text}`, config.apiKey);
  }
  return { dataset, sloId, budgetRemainingPercent: json.budget_remaining, ...(typeof json.name === 'string' ? { name: json.name } : {}) };
}
