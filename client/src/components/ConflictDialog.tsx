import { ApiError, type VersionConflict } from '../api/client.js'
import type { ZoneFeature, ZoneInput } from '../api/types.js'
import type { Transaction } from '../edits/transaction.js'
import { useI18n } from '../i18n/i18n.js'

export interface Conflict {
  note: string
  /** What the planner tried to save for the zone in conflict (null for a delete). */
  mine: (ZoneInput & { version?: number }) | null
  theirs: ZoneFeature | null
  keepMine(): Promise<void>
  keepTheirs(): Promise<void>
}

/**
 * A version conflict from the engine as the dialog's choice: keeping mine retries the same
 * transaction at the version now stored; any other error is not a conflict (null).
 */
export function conflictOf(
  error: unknown,
  transaction: Transaction,
  actions: { keepMine(retried: Transaction): Promise<void>; keepTheirs(): Promise<void> },
): Conflict | null {
  if (!(error instanceof ApiError) || error.code !== 'version_conflict') return null
  const details = error.details as VersionConflict | null
  const theirsId = details?.current?.id
  const current = details?.current_version
  const minePut = transaction.put.find((p) => p.id !== undefined && p.id === theirsId)
  return {
    note: transaction.note,
    mine: minePut ? { ...minePut.zone, ...(minePut.version !== undefined ? { version: minePut.version } : {}) } : null,
    theirs: details?.current ?? null,
    keepMine: () => actions.keepMine({
      ...transaction,
      put: transaction.put.map((p) => (p.id !== undefined && p.id === theirsId ? { ...p, version: current } : p)),
      delete: transaction.delete.map((d) => (d.id === theirsId && current ? { ...d, version: current } : d)),
    }),
    keepTheirs: actions.keepTheirs,
  }
}

/** Someone else saved the same zone first: the planner sees both versions and chooses. */
export function ConflictDialog({ conflict }: { conflict: Conflict }) {
  const { t } = useI18n()
  const theirs = conflict.theirs?.properties
  const mine = conflict.mine
  return (
    <div className="modal" role="dialog" data-testid="conflict-dialog">
      <div className="panel">
        <h3>{t('conflictTitle')}</h3>
        <p>{t('conflictText')}</p>
        <p><strong>{conflict.note}</strong></p>
        <table className="conflict-versions">
          <thead><tr><th /><th>{t('conflictMine')}</th><th>{t('conflictTheirs')}</th></tr></thead>
          <tbody>
            <tr>
              <th>{t('name')}</th>
              <td data-testid="conflict-mine-name">{mine ? mine.name : t('deleteZone')}</td>
              <td data-testid="conflict-theirs-name">{theirs ? theirs.name : '—'}</td>
            </tr>
            <tr>
              <th>{t('code')}</th>
              <td>{mine?.code ?? '—'}</td>
              <td>{theirs?.code ?? '—'}</td>
            </tr>
            <tr>
              <th>{t('version')}</th>
              <td>{mine?.version ?? '—'}</td>
              <td>{theirs?.version ?? '—'}</td>
            </tr>
            {theirs?.chief && (
              <tr><th>{t('chief')}</th><td>—</td><td>{theirs.chief.name}</td></tr>
            )}
          </tbody>
        </table>
        <div className="row">
          <button data-testid="keep-theirs" onClick={() => void conflict.keepTheirs()}>{t('keepTheirs')}</button>
          <button data-testid="keep-mine" className="primary" onClick={() => void conflict.keepMine()}>{t('keepMine')}</button>
        </div>
      </div>
    </div>
  )
}
