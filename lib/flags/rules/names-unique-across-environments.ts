import { flagsProblems, type FlagsProblem } from '../../errors';
import { resourceNames } from '../../naming';
import type { LoadedFlags } from '../load';
import type { FlagsRule } from './rule';

function namedResources(entry: LoadedFlags) {
  const names = resourceNames(entry.flags);
  const at = (override: boolean, path: string) => (override ? path : '$.naming.prefix');
  return [
    { kind: 'bucket', name: names.accessLogsBucket, path: at(entry.flags.accessLogs.bucketName !== undefined, '$.accessLogs.bucketName') },
    { kind: 'bucket', name: names.artifactsBucket, path: at(entry.flags.artifacts.bucketName !== undefined, '$.artifacts.bucketName') },
    { kind: 'lock table', name: `${entry.flags.aws.accountId}/${entry.flags.aws.region}/${names.lockTable}`, shown: names.lockTable, path: at(entry.flags.lockTable.tableName !== undefined, '$.lockTable.tableName') },
  ];
}

/**
 * Bucket names are global, and two environments sharing a bucket or a table would
 * overwrite each other's logs, builds or claims. Also catches one environment
 * using one name for both buckets.
 */
export const NamesUniqueAcrossEnvironments: FlagsRule = {
  id: 'NamesUniqueAcrossEnvironments',
  description: 'Buckets and lock tables are never shared between environments.',
  check: (entry, { all }) => {
    const problems: FlagsProblem[] = [];
    const mine = namedResources(entry);
    for (const other of all) {
      const theirs = namedResources(other);
      mine.forEach((m, i) => {
        theirs.forEach((t, j) => {
          const same = other === entry ? i !== j && j < i : true;
          if (same && m.kind === t.kind && m.name === t.name) {
            problems.push(flagsProblems.duplicateName(entry.file, m.path, m.shown ?? m.name, m.kind, other.file, t.path));
          }
        });
      });
    }
    return problems;
  },
};
