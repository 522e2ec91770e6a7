/**
 * Where fleetflags keeps local state: `.fleetflags/` in the checkout (gitignored),
 * or FLEETFLAGS_STATE_DIR. It holds the emulator's record and log, and the Terraform
 * state of emulated environments (`state/<env>/<stack>.tfstate`), outside cdktf.out
 * (which every synth clears).
 */
import path from 'node:path';

export const STATE_DIR_ENV = 'FLEETFLAGS_STATE_DIR';

export function stateDir(repoDir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(repoDir, env[STATE_DIR_ENV] || '.fleetflags');
}

/** The Terraform state file of a stack of an emulated environment. */
export function localStateFile(environment: string, stack: string, repoDir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(repoDir, env), 'state', environment, `${stack}.tfstate`);
}
