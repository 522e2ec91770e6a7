import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/**
 * The error-budget gate's SLOs: each named once and each Honeycomb SLO read once
 * (a copy-pasted entry would hide the SLO meant), and production fails closed when
 * Honeycomb cannot be asked (the guard refuses there anyway; the file must not say
 * otherwise).
 */
export const SlosConsistent: FlagsRule = {
  id: 'SlosConsistent',
  description: 'SLO names and (dataset, sloId) pairs are unique; production refuses deploys when Honeycomb cannot be asked.',
  check: ({ file, environment, flags }) => {
    const problems: FlagsProblem[] = [];
    const slos = flags.slos;
    if (!slos) return problems;
    const seenNames = new Map<string, number>();
    const seenIds = new Map<string, number>();
    slos.objectives.forEach((o, i) => {
      const name = seenNames.get(o.name);
      if (name !== undefined) problems.push(flagsProblems.duplicateSlo(file, i, 'name', o.name, name));
      else seenNames.set(o.name, i);
      const key = `${o.dataset}/${o.sloId}`;
      const id = seenIds.get(key);
      if (id !== undefined) problems.push(flagsProblems.duplicateSlo(file, i, 'sloId', key, id));
      else seenIds.set(key, i);
    });
    if (environment === 'production' && slos.whenApiUnreachable === 'proceed') problems.push(flagsProblems.productionBudgetFailOpen(file));
    return problems;
  },
};
