/**
 * Workflow inputs that list environments are generated from the flags files: a new
 * environment is one new flags file, and a stale workflow fails this test.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROLLBACK_WORKFLOW, rollbackEnvironments, withEnvironmentOptions } from '../../lib/github/workflow-inputs';
import { deployableEnvironments } from '../helpers/environments';
import { tempDirs } from '../helpers/temp-dirs';

const tempDir = tempDirs();
const choiceOf = (text: string) => (parse(text) as { on: { workflow_dispatch: { inputs: { environment: { type: string; options: string[] } } } } }).on.workflow_dispatch.inputs.environment;

describe('rollback.yml environment choice', () => {
  test('matches the flags files (run `npm run gen-workflows` when this fails)', () => {
    // GIVEN the committed workflow and the flags files
    const text = readFileSync(ROLLBACK_WORKFLOW, 'utf8');

    // WHEN / THEN regenerating changes nothing, and the choice is every deployed environment in deploy order
    expect(withEnvironmentOptions(text, rollbackEnvironments())).toBe(text);
    expect(choiceOf(text)).toEqual({ type: 'choice', options: deployableEnvironments(), description: expect.any(String), required: true });
  });

  test('a new deployed environment is added to the choice, in its deploy order, and nothing else changes', () => {
    // GIVEN a copy of the flags with a new environment "staging" between dogfood and production
    const dir = tempDir('fleetflags-gen-workflows-');
    cpSync('flags', path.join(dir, 'flags'), { recursive: true });
    const staging = JSON.parse(readFileSync('flags/dogfood.json', 'utf8'));
    Object.assign(staging, { environment: 'staging', naming: { prefix: 'fleetflags-staging' }, deploy: { ...staging.deploy, order: 2 } });
    const production = JSON.parse(readFileSync('flags/production.json', 'utf8'));
    production.deploy.order = 3;
    writeFileSync(path.join(dir, 'flags', 'staging.json'), JSON.stringify(staging));
    writeFileSync(path.join(dir, 'flags', 'production.json'), JSON.stringify(production));
    const text = readFileSync(ROLLBACK_WORKFLOW, 'utf8');

    // WHEN the workflow is regenerated
    const after = withEnvironmentOptions(text, rollbackEnvironments(path.join(dir, 'flags')));

    // THEN the choice lists it, and only that line changed
    expect(choiceOf(after).options).toEqual(['dogfood', 'staging', 'production']);
    const changed = text.split('\n').filter((line, i) => line !== after.split('\n')[i]);
    expect(changed).toHaveLength(1);
  });

  test('a workflow without the generated line is an error that says what to put back', () => {
    expect(() => withEnvironmentOptions('on:\n  workflow_dispatch: {}\n', ['dogfood'], 'x.yml')).toThrow(
      /^x\.yml: cannot find the generated "options:" line .*; allowed: one line like .*# generated from flags\/\*\.json by `npm run gen-workflows`.*fix: /,
    );
  });
});
