import { ExitCode, FleetflagsError } from './base';

/** Errors of the test tooling's temporary-folder guard (test/temp-folder.ts) and per-suite setup (test/setup.ts). */
export const testToolingErrors = {
  /** A suite whose process's provider pool failed to start a server: its runs planned without the pool, unseen. */
  providerPoolFailedStarts: (failedStarts: number, variable: string) =>
    new FleetflagsError(
      `this suite's provider pool failed to start ${failedStarts} provider server${failedStarts === 1 ? '' : 's'} (its Terraform runs went on with ` +
        `their own providers); allowed: 0 failed starts. fix: read the "warning: provider pool:" line above for the reason; ` +
        `${variable}=0 runs the suites without the pool; a test that provokes failed starts does so with its own pool (useProviderPool)`,
      ExitCode.Failure,
    ),
  /** `where` is a suite's path (or "the jest run" for the run's own folder); `entries` what is still in its temporary folder. */
  leftTemporaryFiles: (where: string, folder: string, entries: readonly string[]) =>
    new FleetflagsError(
      `${where} left ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in its temporary folder ${folder}: ` +
        `${entries.slice(0, 12).join(', ')}${entries.length > 12 ? `, … (${entries.length - 12} more)` : ''}; allowed: nothing (a suite removes ` +
        'every file and directory it, its helpers, the libraries and the scripts it runs make there). fix: make test directories with ' +
        'tempDirs() (test/helpers/temp-dirs.ts), cdktf apps with testApp()/synthScope() (test/helpers/cdktf-app.ts), and remove a ' +
        "library's own temporary directory in a finally where it is made",
      ExitCode.Failure,
    ),
} as const;
