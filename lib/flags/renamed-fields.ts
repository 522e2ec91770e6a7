/**
 * Fields that were renamed. The loader turns an old name into a helpful error that
 * says where the value moved, instead of a bare "unknown field". Add an entry with
 * every rename, and a note in UPGRADING.md.
 */
export interface RenamedField {
  /** Path of the object that held the field, as keys. */
  readonly parent: readonly string[];
  readonly oldName: string;
  /** JSON path of the field's new home. */
  readonly newPath: string;
  /** The release that renamed it. */
  readonly since: string;
}

export const RENAMED_FIELDS: readonly RenamedField[] = [
  // honeyelb's command line says --backfill=<minutes>; people copy it. Units go in names.
  { parent: ['lockTable'], oldName: 'backfill', newPath: '$.lockTable.backfillMinutes', since: 'flags v1' },
  { parent: ['catchUp'], oldName: 'backfill', newPath: '$.catchUp.backfillMinutes', since: 'flags v1' },
  // Early drafts called the main fleet "fleet"; the catch-up and quarantine fleets made that ambiguous.
  { parent: [], oldName: 'fleet', newPath: '$.ingest', since: 'flags v1' },
];
