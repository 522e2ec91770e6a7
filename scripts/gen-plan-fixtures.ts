/**
 * npm run plan-comment fixtures: node bin/run.mjs scripts/gen-plan-fixtures.ts [scenario...]
 *
 * Re-creates test/fixtures/plans/: real Terraform JSON plans of our sandbox data
 * stack, one directory per scenario, each holding `sandbox-data.plan.json` (plus
 * base/head flags files where the scenario is a flags edit). Each scenario
 * synthesizes the stack (lib/synth.ts) from flags/sandbox.json, edits the flags or
 * the synthesized configuration the way a pull request would, and plans it with the
 * real provider: speculatively (lib/plan/speculative.ts) against a state "as if the
 * base had been applied".
 *
 * To keep the committed files small and the bytes stable, each plan keeps what the
 * renderer reads verbatim (resource_changes, resource_drift, output_changes, the
 * `fleetflags` marker but its cache-dependent `baselineRounds`, versions and flags) and drops `configuration`,
 * `planned_values`, `prior_state` and `relevant_attributes`; the timestamp is fixed.
 * The large scenario is gzipped.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadFlagsOrThrow } from '../lib/flags/load';
import { baselineState } from '../lib/plan/baselines';
import { speculativePlan, type StackJson } from '../lib/plan/speculative';
import { diffFlags, readFlagsDir } from '../lib/plan/flags-diff';
import { stackPlan } from '../lib/plan/plan-model';
import { readPlanFile } from '../lib/plan/plan-json';
import { renderMarkdown } from '../lib/plan/render';
import { synthesize } from '../lib/synth';
import { writeOfflineWorkdir } from '../lib/terraform/offline-workdir';
import { planJson } from '../lib/terraform/runner';

export const FIXTURES_DIR = path.join('test', 'fixtures', 'plans');
const STACK = 'sandbox-data';
const FLAGS_FILE = path.join('flags', 'sandbox.json');
const FIXED_TIMESTAMP = '2026-01-01T00:00:00Z';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Scenario {
  /** What the plan shows, for the fixtures README. */
  readonly description: string;
  readonly run: (ctx: Ctx) => Promise<Json>;
  readonly gzip?: boolean;
  /** The stack planned. @default "sandbox-data" */
  readonly stack?: string;
}

interface Ctx {
  readonly workdir: string;
  /** Baselines shared between scenarios with the same base configuration. */
  readonly cacheDir: string;
  /** The raw flags/sandbox.json. */
  readonly flags: Json;
  /** Synthesizes the scenario's stack (sandbox-data unless it names another) from raw flags JSON. */
  synth(flags: Json): StackJson;
  /** Records base/head flags files next to the plan. */
  saveFlags(base: Json, head: Json): void;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The synthesized address (type.name) of the first resource of `type` whose name starts with `prefix`. */
function find(stack: StackJson, type: string, prefix: string): string {
  const name = Object.keys(stack.resource?.[type] ?? {}).find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`no ${type} named ${prefix}* in the synthesized stack`);
  return name;
}

export const SCENARIOS: Record<string, Scenario> = {
  create: {
    description: 'a new environment: every resource is created (no baseline)',
    run: async (ctx) => speculativePlan({ head: ctx.synth(ctx.flags), workdir: path.join(ctx.workdir, 'create') }),
  },
  'no-changes': {
    description: 'the base configuration planned against its own baseline: no changes',
    run: async (ctx) => {
      const base = ctx.synth(ctx.flags);
      return speculativePlan({ base, head: clone(base), workdir: path.join(ctx.workdir, 'no-changes'), cacheDir: ctx.cacheDir });
    },
  },
  update: {
    description: 'flags edit: access logs kept 30 days instead of 14, artifacts 45 instead of 30: two in-place updates',
    run: async (ctx) => {
      const head = clone(ctx.flags);
      head.accessLogs.expirationDays = 30;
      head.artifacts.noncurrentVersionExpirationDays = 45;
      ctx.saveFlags(ctx.flags, head);
      return speculativePlan({ base: ctx.synth(ctx.flags), head: ctx.synth(head), workdir: path.join(ctx.workdir, 'update'), cacheDir: ctx.cacheDir });
    },
  },
  'replace-delete-create': {
    description: 'flags edit: the lock table renamed; the table is replaced, destroy first (prevent_destroy lifted to show it)',
    run: async (ctx) => {
      const head = clone(ctx.flags);
      head.lockTable.tableName = 'fleetflags-sandbox-locks-v2';
      ctx.saveFlags(ctx.flags, head);
      return speculativePlan({ base: ctx.synth(ctx.flags), head: ctx.synth(head), workdir: path.join(ctx.workdir, 'replace-dc'), cacheDir: ctx.cacheDir });
    },
  },
  'replace-create-delete': {
    description: 'the lock table renamed with create_before_destroy: the new table is created before the old one is destroyed',
    run: async (ctx) => {
      const head = clone(ctx.flags);
      head.lockTable.tableName = 'fleetflags-sandbox-locks-v2';
      const base = ctx.synth(ctx.flags);
      const headStack = ctx.synth(head);
      const table = headStack.resource.aws_dynamodb_table[find(headStack, 'aws_dynamodb_table', 'LockTable')];
      table.lifecycle = { ...table.lifecycle, create_before_destroy: true };
      ctx.saveFlags(ctx.flags, head);
      return speculativePlan({ base, head: headStack, workdir: path.join(ctx.workdir, 'replace-cd'), cacheDir: ctx.cacheDir });
    },
  },
  delete: {
    description: "the artifacts bucket's lifecycle configuration removed from the configuration: one delete",
    run: async (ctx) => {
      const base = ctx.synth(ctx.flags);
      const head = clone(base);
      delete head.resource.aws_s3_bucket_lifecycle_configuration[find(head, 'aws_s3_bucket_lifecycle_configuration', 'Artifacts_Lifecycle')];
      return speculativePlan({ base, head, workdir: path.join(ctx.workdir, 'delete'), cacheDir: ctx.cacheDir });
    },
  },
  moved: {
    description: 'the lock table construct renamed, with a moved block: a move, nothing recreated',
    run: async (ctx) => {
      const base = ctx.synth(ctx.flags);
      const old = find(base, 'aws_dynamodb_table', 'LockTable');
      const renamed = 'LockTable_Table_4A1B2C3D';
      const head = JSON.parse(JSON.stringify(base).split(old).join(renamed)) as StackJson;
      head.moved = [{ from: `aws_dynamodb_table.${old}`, to: `aws_dynamodb_table.${renamed}` }];
      return speculativePlan({ base, head, workdir: path.join(ctx.workdir, 'moved'), cacheDir: ctx.cacheDir });
    },
  },
  tainted: {
    description: 'the access-log bucket policy tainted in state (a failed apply): replaced, reason tainted',
    run: async (ctx) => {
      const base = ctx.synth(ctx.flags);
      const dir = path.join(ctx.workdir, 'tainted');
      const state = await baselineState(base, { workdir: path.join(dir, 'base'), cacheDir: ctx.cacheDir });
      const policy = find(base, 'aws_s3_bucket_policy', 'AccessLogs_Bucket_Policy');
      const resource = state.resources.find((r) => r.type === 'aws_s3_bucket_policy' && r.name === policy)!;
      (resource.instances[0] as unknown as Json).status = 'tainted';
      const stateFile = path.join(dir, 'tainted.tfstate');
      writeFileSync(stateFile, JSON.stringify(state, null, 2));
      const headDir = path.join(dir, 'head');
      await writeOfflineWorkdir(headDir, base);
      return { ...(await planJson(headDir, { stateFile })), fleetflags: { speculative: true, baseline: 'base', baselineRounds: 0, preventDestroy: [] } };
    },
  },
  sensitive: {
    description: 'a tag fed a sensitive value and a sensitive output added: values masked in the comment',
    run: async (ctx) => {
      const base = ctx.synth(ctx.flags);
      const head = clone(base);
      const table = head.resource.aws_dynamodb_table[find(head, 'aws_dynamodb_table', 'LockTable')];
      table.tags = { ...(table.tags ?? {}), 'on-call-token': '${sensitive("hunter2-do-not-print")}', owner: 'ingest' };
      head.output = { ...head.output, lock_table_token: { value: '${sensitive("hunter2-do-not-print")}', sensitive: true } };
      return speculativePlan({ base, head, workdir: path.join(ctx.workdir, 'sensitive'), cacheDir: ctx.cacheDir });
    },
  },
  example: {
    description: 'the README example: access-log retention raised, the lock table renamed and the fleet switched to amd64 in one flags edit',
    run: async (ctx) => {
      const head = exampleFlags(ctx.flags);
      ctx.saveFlags(ctx.flags, head);
      return speculativePlan({ base: ctx.synth(ctx.flags), head: ctx.synth(head), workdir: path.join(ctx.workdir, 'example'), cacheDir: ctx.cacheDir });
    },
  },
  'example-fleet': {
    description: 'the README example, its sandbox-fleet plan: the same flags edit (the agents get the new table name, the instances a new architecture)',
    stack: 'sandbox-fleet',
    run: async (ctx) => {
      const head = exampleFlags(ctx.flags);
      return speculativePlan({ base: ctx.synth(ctx.flags), head: ctx.synth(head), workdir: path.join(ctx.workdir, 'example-fleet'), cacheDir: ctx.cacheDir });
    },
  },
  'fleet-arch': {
    description: 'sandbox-fleet: arch switched from arm64 to amd64: the launch templates change, every instance is replaced by the instance refresh',
    stack: 'sandbox-fleet',
    run: async (ctx) => {
      const head = clone(ctx.flags);
      head.arch = 'amd64';
      ctx.saveFlags(ctx.flags, head);
      return speculativePlan({ base: ctx.synth(ctx.flags), head: ctx.synth(head), workdir: path.join(ctx.workdir, 'fleet-arch'), cacheDir: ctx.cacheDir });
    },
  },
  'fleet-capacity': {
    description: 'sandbox-fleet: capacity 2-6 (2) to 3-10 (4), on-demand above base 50% to 25%, quarantine fleet acme removed and globex added',
    stack: 'sandbox-fleet',
    run: async (ctx) => {
      const head = clone(ctx.flags);
      head.ingest.minSize = 3;
      head.ingest.maxSize = 10;
      head.ingest.desiredCapacity = 4;
      head.ingest.spot.onDemandPercentageAboveBaseCapacity = 25;
      head.quarantines = [{ ...head.quarantines[0], name: 'globex', pathPatterns: ['/1/events/globex-*'] }];
      ctx.saveFlags(ctx.flags, head);
      return speculativePlan({ base: ctx.synth(ctx.flags), head: ctx.synth(head), workdir: path.join(ctx.workdir, 'fleet-capacity'), cacheDir: ctx.cacheDir });
    },
  },
  large: {
    description:
      'several hundred resources: 40 copies of the data stack become copies 2-59, with a team tag and the log retention changed on all',
    gzip: true,
    run: async (ctx) => {
      const head = clone(ctx.flags);
      head.accessLogs.expirationDays = 30;
      head.tags = { ...(head.tags ?? {}), team: 'ingest' };
      const base = replicate(ctx.synth(ctx.flags), 40, 0);
      const headStack = replicate(ctx.synth(head), 58, 2); // copies 0-1 removed, 40-59 added
      return speculativePlan({ base, head: headStack, workdir: path.join(ctx.workdir, 'large'), cacheDir: ctx.cacheDir });
    },
  },
};

/** The README example's flags edit. */
function exampleFlags(flags: Json): Json {
  const head = clone(flags);
  head.accessLogs.expirationDays = 30;
  head.lockTable.tableName = 'fleetflags-sandbox-locks-v2';
  head.arch = 'amd64';
  return head;
}

/**
 * `count` copies of every resource of `stack` (copy i renamed `<name>_c<i>`, its
 * bucket and table names suffixed `-c<i>`), for copies `from` .. `from + count - 1`.
 */
function replicate(stack: StackJson, count: number, from: number): StackJson {
  const out = clone(stack);
  const names: [string, string][] = [];
  for (const [type, byName] of Object.entries(stack.resource as Json)) for (const name of Object.keys(byName)) names.push([type, name]);
  out.resource = {};
  delete out.output;
  for (let i = from; i < from + count; i++) {
    let text = JSON.stringify(stack.resource);
    for (const [type, name] of names) text = text.split(`${type}.${name}`).join(`${type}.${name}_c${i}`);
    text = text.replace(/"(fleetflags-sandbox-(?:access-logs|artifacts|locks))"/g, `"$1-c${i}"`);
    const copy = JSON.parse(text) as Json;
    for (const [type, byName] of Object.entries(copy)) {
      out.resource[type] ??= {};
      for (const [name, body] of Object.entries(byName as Json)) out.resource[type][`${name}_c${i}`] = body;
    }
  }
  return out;
}

/** What is committed: the parts the renderer reads, verbatim; a fixed timestamp. */
export function fixtureOf(plan: Json): Json {
  const keep = ['format_version', 'terraform_version', 'resource_drift', 'resource_changes', 'output_changes', 'applyable', 'complete', 'errored', 'fleetflags'];
  const out: Json = {};
  for (const k of keep) if (plan[k] !== undefined) out[k] = plan[k];
  // How many rounds the baseline took depends on the cache, not on the plan.
  if (out.fleetflags) out.fleetflags = { ...out.fleetflags, baselineRounds: undefined };
  out.timestamp = FIXED_TIMESTAMP;
  return out;
}

/** test/fixtures/plans/README.md: what each scenario is. */
export function fixturesReadme(): string {
  return [
    '<!-- Generated by scripts/gen-plan-fixtures.ts; do not edit. -->',
    '# Plan fixtures',
    '',
    'Real `terraform show -json` plans of the `sandbox-data` stack (and `sandbox-fleet` where named), made by the real AWS provider',
    '(speculatively: against a state "as if the base had been applied", lib/plan/speculative.ts).',
    'Re-create them with `node bin/run.mjs scripts/gen-plan-fixtures.ts [scenario...]`.',
    '`resource_changes`, `resource_drift` and `output_changes` are verbatim; `configuration`, `planned_values`,',
    '`prior_state` and `relevant_attributes` are dropped (the renderer does not read them) and the timestamp is fixed.',
    '',
    '| scenario | what the plan shows |',
    '| --- | --- |',
    ...Object.entries(SCENARIOS).map(([name, s]) => `| \`${name}/\` | ${s.description}${s.gzip ? ' (gzipped)' : ''} |`),
    '',
  ].join('\n');
}

export const EXAMPLE_DOC = path.join('docs', 'example-plan-comment.md');

/** docs/example-plan-comment.md: the comment of the `example` fixture, as a PR shows it. */
export function renderExample(root = '.'): string {
  const dir = path.join(root, FIXTURES_DIR, 'example');
  const plans = [stackPlan(readPlanFile(path.join(dir, `${STACK}.plan.json`)), STACK)];
  const fleet = path.join(root, FIXTURES_DIR, 'example-fleet', 'sandbox-fleet.plan.json');
  if (existsSync(fleet)) plans.push(stackPlan(readPlanFile(fleet), 'sandbox-fleet'));
  const flagChanges = diffFlags(readFlagsDir(path.join(dir, 'flags', 'base')), readFlagsDir(path.join(dir, 'flags', 'head')));
  return (
    '<!-- Generated by scripts/gen-plan-fixtures.ts from test/fixtures/plans/example and example-fleet (real plans); do not edit. -->\n' +
    renderMarkdown(plans, { flagChanges, detailsUrl: 'https://github.com/OWNER/fleetflags/actions/runs/RUN_ID' })
  );
}

export async function main(args: readonly string[]): Promise<number> {
  const wanted = args.filter((a) => a !== '--');
  for (const name of wanted) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  const rawFlags = JSON.parse(readFileSync(FLAGS_FILE, 'utf8')) as Json;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-fixtures-'));
  try {
    for (const name of names) {
      const scenario = SCENARIOS[name];
      const outDir = path.join(FIXTURES_DIR, name);
      rmSync(outDir, { recursive: true, force: true });
      mkdirSync(outDir, { recursive: true });
      const ctx: Ctx = {
        workdir: tmp,
        cacheDir: path.join(tmp, 'baselines'),
        flags: rawFlags,
        synth: (flags) => synthFlags(flags, path.join(tmp, `synth-${name}-${Math.random().toString(36).slice(2)}`), scenario.stack ?? STACK),
        saveFlags: (base, head) => {
          for (const [side, flags] of [['base', base], ['head', head]] as const) {
            mkdirSync(path.join(outDir, 'flags', side), { recursive: true });
            writeFileSync(path.join(outDir, 'flags', side, 'sandbox.json'), `${JSON.stringify(flags, null, 2)}\n`);
          }
        },
      };
      const started = Date.now();
      const plan = fixtureOf(await scenario.run(ctx));
      const text = `${JSON.stringify(plan, null, 1)}\n`;
      const file = path.join(outDir, `${scenario.stack ?? STACK}.plan.json${scenario.gzip ? '.gz' : ''}`);
      writeFileSync(file, scenario.gzip ? gzipSync(Buffer.from(text), { level: 9 }) : text);
      const changes = (plan.resource_changes ?? []) as { change: { actions: string[] } }[];
      console.log(`${name}: ${changes.length} resource changes -> ${file} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(path.join(FIXTURES_DIR, 'README.md'), fixturesReadme());
  if (names.includes('example') || names.includes('example-fleet')) {
    writeFileSync(EXAMPLE_DOC, renderExample());
    console.log(`example comment -> ${EXAMPLE_DOC}`);
  }
  return 0;
}

/** Validates raw flags JSON the way flags files are (schema, rules) and synthesizes sandbox-data. */
function synthFlags(flags: Json, dir: string, stackName = STACK): StackJson {
  mkdirSync(path.join(dir, 'flags'), { recursive: true });
  const file = path.join(dir, 'flags', 'sandbox.json');
  writeFileSync(file, JSON.stringify(flags));
  const { stacks } = synthesize(loadFlagsOrThrow([file], { now: new Date('2026-01-01T00:00:00Z') }), path.join(dir, 'out'));
  const stack = stacks.get(stackName);
  if (!stack) throw new Error(`synthesis made no ${stackName} stack (got ${[...stacks.keys()].join(', ')})`);
  return stack;
}
