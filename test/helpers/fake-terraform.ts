/**
 * A stand-in `terraform` on the PATH for the suites that test how we run Terraform
 * (which commands, in which order, in which data directory, how many at once), not
 * Terraform itself. Call `fakeTerraform()` once at the top of a describe block.
 *
 * The stand-in logs "<start ms> <end ms> <command> <stack> <TF_DATA_DIR> <args>" to
 * $FAKE_LOG, sleeps $FAKE_SLEEP_<command>_<stack> seconds, fails when $FAKE_FAIL is
 * "<command>:<stack>", writes a lock file on init, answers `show -json` with a plan
 * (format 1.2; one update in a stack named *-fleet, none elsewhere), and exits 2 from a plan of a
 * *-fleet stack (changes) as `plan -detailed-exitcode` does.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NO_TERRAFORM_ENV } from '../../lib/terraform/runner';
import { tempDirs } from './temp-dirs';

const FAKE_TERRAFORM = `#!/bin/bash
start=$(date +%s%3N)
stack=$(basename "$PWD")
var="FAKE_SLEEP_$1_\${stack//-/_}"
sleep "\${!var:-0}"
if [ "$FAKE_FAIL" = "$1:$stack" ]; then echo "Error: $1 failed in $stack" >&2; exit 1; fi
case "$1" in
  init) printf 'provider "registry.terraform.io/hashicorp/aws" {\\n}\\n' > .terraform.lock.hcl ;;
  show) if [[ "$stack" == *-fleet ]]; then echo '{"format_version":"1.2","resource_changes":[{"address":"aws_autoscaling_group.main","mode":"managed","type":"aws_autoscaling_group","name":"main","change":{"actions":["update"],"before":{"max_size":4},"after":{"max_size":6}}}]}'; else echo '{"format_version":"1.2","resource_changes":[]}'; fi ;;
esac
args=$(IFS=,; echo "\${*:2}")
echo "$start $(date +%s%3N) $1 $stack \${TF_DATA_DIR:-none} \${args:-none}" >> "$FAKE_LOG"
[ "$1" = plan ] && [[ "$stack" == *-fleet ]] && exit 2
exit 0
`;

export interface Call {
  readonly start: number;
  readonly end: number;
  readonly command: string;
  readonly stack: string;
  readonly dataDir: string;
  /** The arguments after the command. */
  readonly args: readonly string[];
}

export interface FakeTerraform {
  /** A fresh directory for this test, with $FAKE_LOG in it; the FAKE_SLEEP_* and FAKE_FAIL of the last test are cleared. */
  readonly root: () => string;
  /** The calls logged since `root()`, in the order they ended. */
  readonly calls: () => Call[];
}

/** Puts the stand-in first on the PATH for the describe block (see the module comment). */
export function fakeTerraform(): FakeTerraform {
  const tempDir = tempDirs();
  const saved = { PATH: process.env.PATH, noTerraform: process.env[NO_TERRAFORM_ENV] };
  let log = '';
  beforeAll(() => {
    const bin = tempDir('fake-terraform-');
    writeFileSync(path.join(bin, 'terraform'), FAKE_TERRAFORM);
    chmodSync(path.join(bin, 'terraform'), 0o755);
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
    // Only the stand-in can start: the quick suites' no-Terraform switch does not apply.
    delete process.env[NO_TERRAFORM_ENV];
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_')) delete process.env[k];
    process.env.PATH = saved.PATH;
    if (saved.noTerraform !== undefined) process.env[NO_TERRAFORM_ENV] = saved.noTerraform;
  });
  return {
    root: () => {
      const root = tempDir('stacks-');
      log = path.join(root, 'terraform.log');
      process.env.FAKE_LOG = log;
      for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_SLEEP_') || k === 'FAKE_FAIL') delete process.env[k];
      return root;
    },
    calls: () => readCalls(log),
  };
}

/** Synthesized stack directories with a local backend, and a data directory each under `<root>/<dataDirs>/`. */
export function fakeStacks(root: string, names: readonly string[], dataDirs = 'terraform') {
  return names.map((stack) => {
    const dir = path.join(root, 'synth', 'stacks', stack);
    mkdirSync(dir, { recursive: true });
    const config = { terraform: { backend: { local: { path: `../../../state/${stack}.tfstate` } } } };
    writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config));
    return { stack, dir, config, dataDir: path.join(root, dataDirs, stack) };
  });
}

function readCalls(file: string): Call[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [start, end, command, stack, dataDir, args] = line.split(' ');
      return { start: Number(start), end: Number(end), command, stack, dataDir, args: args === 'none' ? [] : args.split(',') };
    });
}
