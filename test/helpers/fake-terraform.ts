/**
 * A stand-in `terraform` on the PATH for the suites that test how we run Terraform
 * (which commands, in which order, in which data directory, how many at once), not
 * Terraform itself. Call `fakeTerraform()` once at the top of a describe block.
 *
 * The stand-in logs "<start ms> <end ms> <command> <stack> <TF_DATA_DIR> <args> <exit code>"
 * to $FAKE_LOG when it ends (a failed call too), sleeps $FAKE_SLEEP_<command>_<stack> seconds,
 * then waits (at most 30 s) until the file $FAKE_WAIT_FOR_<command>_<stack> exists, fails when
 * $FAKE_FAIL is "<command>:<stack>", writes a lock file on init, answers `show -json` with a plan
 * (format 1.2; one update in a stack named *-fleet, none elsewhere), exits 2 from a plan of a
 * *-fleet stack (changes) as `plan -detailed-exitcode` does, and last creates the file
 * $FAKE_TOUCH_<command>_<stack> (in variable names, a stack's "-" is "_"). The WAIT_FOR/TOUCH
 * pair orders two calls without a timing guess: `waitFor` polls the log the same way.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NO_TERRAFORM_ENV } from '../../lib/terraform/runner';
import { tempDirs } from './temp-dirs';

// Bash builtins where a call would start a process (date, basename, touch, a subshell): two stacks'
// calls of a deploy are dozens of calls, and each process costs milliseconds on a small machine.
const FAKE_TERRAFORM = `#!/bin/bash
now_ms() { REPLY=\${EPOCHREALTIME//[!0-9]/}; REPLY=\${REPLY:0:-3}; }
now_ms; start=$REPLY
stack=\${PWD##*/}
key="$1_\${stack//-/_}"
var="FAKE_SLEEP_$key"
[ "\${!var:-0}" = 0 ] || sleep "\${!var}"
printf -v args '%s,' "\${@:2}"; args=\${args%,}
finish() {
  now_ms
  echo "$start $REPLY $1 $stack \${TF_DATA_DIR:-none} \${args:-none} $2" >> "$FAKE_LOG"
  touch_var="FAKE_TOUCH_$key"
  [ -n "\${!touch_var}" ] && : >> "\${!touch_var}"
  exit "$2"
}
wait_var="FAKE_WAIT_FOR_$key"
if [ -n "\${!wait_var}" ]; then
  now_ms; deadline=$(( REPLY + 30000 ))
  until [ -e "\${!wait_var}" ] || { now_ms; [ "$REPLY" -gt "$deadline" ]; }; do sleep 0.02; done
  [ -e "\${!wait_var}" ] || { echo "Error: $1 in $stack waited 30 s for \${!wait_var}" >&2; finish "$1" 1; }
fi
if [ "$FAKE_FAIL" = "$1:$stack" ]; then echo "Error: $1 failed in $stack" >&2; finish "$1" 1; fi
case "$1" in
  init) printf 'provider "registry.terraform.io/hashicorp/aws" {\\n}\\n' > .terraform.lock.hcl ;;
  show) if [[ "$stack" == *-fleet ]]; then echo '{"format_version":"1.2","resource_changes":[{"address":"aws_autoscaling_group.main","mode":"managed","type":"aws_autoscaling_group","name":"main","change":{"actions":["update"],"before":{"max_size":4},"after":{"max_size":6}}}]}'; else echo '{"format_version":"1.2","resource_changes":[]}'; fi ;;
esac
[ "$1" = plan ] && [[ "$stack" == *-fleet ]] && finish "$1" 2
finish "$1" 0
`;

export interface Call {
  readonly start: number;
  readonly end: number;
  readonly command: string;
  readonly stack: string;
  readonly dataDir: string;
  /** The arguments after the command. */
  readonly args: readonly string[];
  /** 0, 2 (a plan with changes) or 1 (failed). */
  readonly exitCode: number;
}

export interface FakeTerraform {
  /** A fresh directory for this test, with $FAKE_LOG in it; the FAKE_SLEEP_* and FAKE_FAIL of the last test are cleared. */
  readonly root: () => string;
  /** The calls logged since `root()`, in the order they ended. */
  readonly calls: () => Call[];
  /**
   * Polls the log until `until(calls)` holds; throws, with the calls so far, after
   * `timeoutMs` (generous: a loaded machine is slow, never wrong). Returns the calls.
   */
  readonly waitFor: (until: (calls: Call[]) => boolean, timeoutMs?: number) => Promise<Call[]>;
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
      for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_') && k !== 'FAKE_LOG') delete process.env[k];
      return root;
    },
    calls: () => readCalls(log),
    waitFor: async (until, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const calls = readCalls(log);
        if (until(calls)) return calls;
        if (Date.now() > deadline) throw new Error(`the stand-in Terraform's log did not reach the awaited state in ${timeoutMs} ms; calls: ${JSON.stringify(calls)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
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
  if (!existsSync(file)) return []; // no call has ended yet
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.split(' ').length === 7) // whole lines only (each is one small appended write)
    .map((line) => {
      const [start, end, command, stack, dataDir, args, exitCode] = line.split(' ');
      return { start: Number(start), end: Number(end), command, stack, dataDir, args: args === 'none' ? [] : args.split(','), exitCode: Number(exitCode) };
    });
}
