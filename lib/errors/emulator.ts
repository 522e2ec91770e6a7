import { ExitCode, FleetflagsError } from './base';

/** Errors of the AWS emulator and of deploys to it (lib/emulator/). */
export const emulatorErrors = {
  motoMissing: (python: string, detail: string) =>
    new FleetflagsError(
      `The AWS emulator needs moto's server, which ${python} cannot import (${detail || 'not installed'}); allowed: Python 3 with moto 5 ` +
        `and its server; fix: pip install "moto[server]" (or set FLEETFLAGS_PYTHON to a Python that has it)`,
      ExitCode.Failure,
    ),

  portTaken: (port: number, what: string) =>
    new FleetflagsError(
      `Port ${port} on 127.0.0.1 is taken by ${what}; allowed: a free port; fix: stop that process, or choose another port ` +
        `with --port <n> (and the same port in aws.endpoint of the flags file)`,
      ExitCode.Failure,
    ),

  alreadyRunningElsewhere: (endpoint: string, port: number, pid: number) =>
    new FleetflagsError(
      `An emulator of this checkout already runs at ${endpoint} (PID ${pid}), not on port ${port}; allowed: one emulator per ` +
        'state directory; fix: `npm run emulator -- stop` first, or set FLEETFLAGS_STATE_DIR to another directory',
      ExitCode.Failure,
    ),

  didNotStart: (endpoint: string, why: string, log: string, tail = '') =>
    new FleetflagsError(
      `The AWS emulator did not start at ${endpoint}: ${why}; see ${log}${tail ? `:\n${tail}` : ''}\n` +
        'fix: read the log; `npm run emulator -- status` shows what runs',
      ExitCode.Failure,
    ),

  notRunning: (environment: string, endpoint: string) =>
    new FleetflagsError(
      `${environment} is emulated at ${endpoint} (aws.endpoint), and no emulator answers there; fix: \`npm run emulator -- start\` ` +
        `(or \`npm run sandbox\`, which starts it), or plan without it: \`npm run sandbox -- --plan-only\``,
      ExitCode.Failure,
    ),

  /**
   * An endpoint that is not exactly an origin: whitespace or control characters (the URL parser
   * drops them, so they would pass a host check and reach the emulator profile file as extra lines),
   * a path, query, fragment or user info.
   */
  endpointNotOrigin: (file: string, value: string, origin: string | undefined) => ({
    file,
    path: '$.aws.endpoint',
    value,
    problem: 'the AWS endpoint of an emulated environment must be a bare origin (scheme, host, port), written as the URL parser writes it',
    allowed: 'http(s)://<host>:<port> with an optional trailing "/": no whitespace or control characters, path, query, fragment (#) or user info',
    fix: origin ? `write ${JSON.stringify(origin)}` : 'use the emulator\'s endpoint, "https://127.0.0.1:4566"',
  }),

  /** emulatorConfigText (lib/terraform/emulator-profile.ts) was given an endpoint that is not a canonical origin. */
  emulatorProfileEndpoint: (value: string) =>
    new FleetflagsError(
      `The emulator profile (aws-emulator.config) cannot name the endpoint ${JSON.stringify(value)}: it is not a bare http(s) origin ` +
        '(whitespace, control characters, a path, query, fragment or user info could add lines to the shared config file ' +
        'and send AWS calls elsewhere). Allowed: http(s)://<host>:<port>, optionally with a trailing "/", exactly as the URL parser writes it. ' +
        'Fix: set aws.endpoint in the flags file to the emulator\'s origin, e.g. "https://127.0.0.1:4566" (npm run check-flags names the problem).',
      ExitCode.FlagsInvalid,
    ),

  endpointNotLoopback: (file: string, value: string) => ({
    file,
    path: '$.aws.endpoint',
    value,
    problem: 'the AWS endpoint of an emulated environment must be on this machine',
    allowed: 'http(s)://127.0.0.1:<port>, http(s)://localhost:<port> or http(s)://[::1]:<port>',
    fix: 'use the emulator\'s endpoint, "https://127.0.0.1:4566"',
  }),
};

/** Errors of `npm run publish-build` (lib/deploy/publish-build.ts). */
export const publishErrors = {
  emptyBuild: (file: string) =>
    new FleetflagsError(
      `${file} is empty (0 bytes); allowed: a built agent binary of at least 1 byte; nothing was uploaded. ` +
        'A zero-byte binary is the broken build of the outage this pipeline exists to stop; fix: publish the output of a green build',
      ExitCode.Usage,
    ),

  unreadable: (file: string, reason: string) =>
    new FleetflagsError(`cannot read the build ${file}: ${reason}; allowed: a readable file; fix: check the --file path`, ExitCode.Usage),

  unknownArch: (value: string, allowed: readonly string[]) =>
    new FleetflagsError(`--arch ${JSON.stringify(value)} is not an architecture; allowed: ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`, ExitCode.Usage),

  alreadyPublished: (bucket: string, key: string, buildId: string) =>
    new FleetflagsError(
      `s3://${bucket}/${key} already exists: build ${buildId} was published before, and a build ID names one binary forever ` +
        '(the bucket refuses overwrites); allowed: a build ID not published yet; fix: publish this binary under a new build ID',
      ExitCode.Usage,
    ),

  uploadFailed: (bucket: string, key: string, reason: string) =>
    new FleetflagsError(
      `uploading s3://${bucket}/${key} failed: ${reason}; fix: check that the environment's data stack is deployed (it creates the bucket) and that the credentials may write to it`,
      ExitCode.Failure,
    ),
};
