import { flagsProblems } from '../../errors';
import { resourceNames } from '../../naming';
import type { FlagsRule } from './rule';

/** The lock table's name follows DynamoDB's naming rules. */
export const TableNameValid: FlagsRule = {
  id: 'TableNameValid',
  description: 'The lock table name is 3-255 characters of A-Z a-z 0-9 _ - .',
  check: ({ file, flags }) => {
    const name = resourceNames(flags).lockTable;
    return /^[A-Za-z0-9_.-]{3,255}$/.test(name)
      ? []
      : [flagsProblems.invalidTableName(file, flags.lockTable.tableName !== undefined ? '$.lockTable.tableName' : '$.naming.prefix', name)];
  },
};
