import { ExitCode, FleetflagsError } from './base';

/** Errors of plan comments (lib/plan/render.ts, the plan files lib/plan/plan-json.ts reads, lib/github/) and the workflow generators. */
export const planCommentErrors = {
  planFileUnreadable: (file: string, reason: string) =>
    new FleetflagsError(
      `Cannot read the plan file ${file} (${reason}). Pass the JSON of \`terraform show -json <planfile>\`, ` +
        `e.g. out/plan/<stack>.plan.json as written by \`npm run plan\`.`,
      ExitCode.Usage,
    ),

  planFileInvalid: (file: string, reason: string) =>
    new FleetflagsError(
      `${file} is not a Terraform JSON plan: ${reason}. Allowed: the output of \`terraform show -json <planfile>\` ` +
        `(format_version 1.x); the human-readable plan text cannot be read.`,
      ExitCode.Usage,
    ),

  planIsState: (file: string) =>
    new FleetflagsError(
      `${file} is a Terraform state, not a plan: it has "values" and no "planned_values" or "resource_changes" ` +
        `(\`terraform show -json\` was run without a plan file). Allowed: \`terraform show -json <planfile>\`; ` +
        `fix: run \`terraform plan -out=plan.tfplan\` and then \`terraform show -json plan.tfplan\`.`,
      ExitCode.Usage,
    ),

  planNotAPlan: (file: string, keys: readonly string[]) =>
    new FleetflagsError(
      `${file} is not a Terraform plan: it has none of "planned_values", "resource_changes", "output_changes" or ` +
        `"applyable"; got the top-level fields ${keys.length ? keys.map((k) => JSON.stringify(k)).join(', ') : '(none)'}. ` +
        `Allowed: the whole output of \`terraform show -json <planfile>\`; fix: re-create it (a cut or edited file is refused).`,
      ExitCode.Usage,
    ),

  planTooDeep: (file: string, depth: number, limit: number) =>
    new FleetflagsError(
      `${file} nests values ${depth >= limit ? `more than ${limit}` : depth} levels deep; allowed: at most ${limit} ` +
        `(Terraform values are seldom deeper than 20). Fix: check the plan file was made by \`terraform show -json\` and not edited.`,
      ExitCode.Usage,
    ),

  planFileEncoding: (file: string, encoding: string) =>
    new FleetflagsError(
      `${file} cannot be read as ${encoding}: it has invalid byte sequences. Allowed: UTF-8 (with or without a BOM) or ` +
        `UTF-16 with a BOM; fix: write it with \`terraform show -json plan.tfplan > file.json\` from a POSIX shell, ` +
        `or in PowerShell \`... | Out-File -Encoding utf8 file.json\`.`,
      ExitCode.Usage,
    ),

  planManifestInvalid: (file: string, reason: string) =>
    new FleetflagsError(
      `The plan manifest ${file} cannot be used: ${reason}. Allowed: the manifest.json \`npm run plan\` writes ` +
        `(or leave out --manifest).`,
      ExitCode.Usage,
    ),

  flagsDirUnreadable: (dir: string, reason: string) =>
    new FleetflagsError(
      `Cannot read flags files from ${dir} (${reason}). Allowed: a directory of <environment>.json files ` +
        `(e.g. flags/), or a git ref with --base-ref.`,
      ExitCode.Usage,
    ),

  /** A workflow file lacks the line a generator rewrites. */
  generatedLineMissing: (file: string, what: string, expected: string) =>
    new FleetflagsError(
      `${file}: cannot find ${what} to regenerate; allowed: one line like ${JSON.stringify(expected)}; ` +
        'fix: put that line (with its "# generated" comment) back where the input lists its options, then run `npm run gen-workflows`.',
      ExitCode.Failure,
    ),

  githubContextMissing: (what: string, fix: string) =>
    new FleetflagsError(`Cannot post the plan comment: ${what}. Fix: ${fix}.`, ExitCode.Usage),

  commentTooLong: (length: number, limit: number, file: string) =>
    new FleetflagsError(
      `The comment body in ${file} is ${length} characters; GitHub allows at most ${limit}. ` +
        `Render it with \`npm run plan-comment -- render\`, which cuts details to fit.`,
      ExitCode.Usage,
    ),

  githubValidationFailed: (action: string, target: string, bodyLength: number, message: string) =>
    new FleetflagsError(
      `GitHub refused to ${action} ${target} (422 Unprocessable Entity): ${message.trim() || 'validation failed'}. ` +
        `The body was ${bodyLength} characters (GitHub allows 65,536). ` +
        `Fix: re-render with \`npm run plan-comment -- render\` (it stays under the limit), or check the PR is open and not locked.`,
      ExitCode.Failure,
    ),

  githubRequestFailed: (action: string, target: string, status: number | undefined, message: string) =>
    new FleetflagsError(
      `GitHub request failed: ${action} ${target} returned ${status ?? 'no response'}: ${message.trim()}. ` +
        (status === 401 || status === 403
          ? 'Fix: give the job `permissions: pull-requests: write` and pass GITHUB_TOKEN.'
          : status === 404
            ? 'Fix: check GITHUB_REPOSITORY and the PR number, and that the token can see the repository.'
            : 'Fix: retry; check GITHUB_API_URL.'),
      ExitCode.Failure,
    ),
};
