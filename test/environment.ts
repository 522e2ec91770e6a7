/**
 * jest's node environment, plus:
 * - V8 code caching of the modules the suites load (test/compile-cache.ts), once per worker.
 * - The AsyncLocalStorage instances a test file made (jest-circus's, zx's) disabled when it is
 *   done (test/async-local-storage.ts): Node would otherwise call each of them for every promise
 *   of every later suite in the worker.
 * - The temporary-folder guard (test/temp-folder.ts):
 * each suite runs with TMPDIR set to a folder of its own, and fails when anything is
 * left there after its last afterAll, listing what, so the suite that leaks is named.
 * TMPDIR is set in the worker's own process.env (os.tmpdir() and child processes
 * read that) and in the suite's copy of it (what a suite passes on as `env`).
 */
import os from 'node:os';
import path from 'node:path';
import { types } from 'node:util';
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { makeSuiteFolder, removeCheckedFolder } from './temp-folder';
import { installCompileCache } from './compile-cache';
import { disableAsyncLocalStoragesSince, installAsyncLocalStorageTracking, markAsyncLocalStorages } from './async-local-storage';

installCompileCache();
installAsyncLocalStorageTracking();

/**
 * cdktf records a stack trace of unlimited depth for every token it creates (`creationStack` of
 * Lazy values and intrinsics, read only to explain a token that fails to resolve), on a plain
 * object (`{ stack: '' }`), and reads it at once. Node formats a suite's traces with the
 * suite's `Error.prepareStackTrace`, else the worker's, which jest has made its source-map
 * support: every frame of every such trace was mapped (seconds of CPU in the synthesis suites).
 * Real errors keep jest's mapped traces; plain-object traces get V8's own format.
 */
function plainTracesUnmapped(error: unknown, frames: NodeJS.CallSite[]): unknown {
  if (types.isNativeError(error) && typeof Error.prepareStackTrace === 'function') return Error.prepareStackTrace(error, frames);
  const header = types.isNativeError(error) ? String(error) : 'Error';
  return `${header}${frames.map((frame) => `\n    at ${frame.toString()}`).join('')}`;
}

export default class TempFolderEnvironment extends NodeEnvironment {
  private readonly suite: string;
  private readonly savedTmpdir: string | undefined;
  private readonly folder: string;
  /**
   * Where the AsyncLocalStorage instances made by this test file start (test/async-local-storage.ts):
   * marked when the environment is made, before the file's setup files run (a worker runs one file
   * at a time, and makes the next file's environment only after this one's teardown).
   */
  private readonly storagesMark: number;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.suite = path.relative(config.globalConfig.rootDir, context.testPath);
    this.savedTmpdir = process.env.TMPDIR;
    this.folder = makeSuiteFolder(os.tmpdir(), context.testPath);
    this.storagesMark = markAsyncLocalStorages();
  }

  override async setup(): Promise<void> {
    await super.setup();
    (this.global.Error as ErrorConstructor).prepareStackTrace = plainTracesUnmapped;
    process.env.TMPDIR = this.folder;
    (this.global.process as NodeJS.Process).env.TMPDIR = this.folder;
  }

  override async teardown(): Promise<void> {
    try {
      await super.teardown();
    } finally {
      if (this.savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = this.savedTmpdir;
      disableAsyncLocalStoragesSince(this.storagesMark);
      removeCheckedFolder(this.folder, this.suite);
    }
  }
}
