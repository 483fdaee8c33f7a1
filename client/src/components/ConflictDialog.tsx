import { ApiError, type VersionConflict } from '../api/client.js'
import type { ZoneFeature } from '../api/types.js'
import type { Transaction } from '../edits/transaction.js'
import { useI18n } from '../i18n/i18n.js'

export interface Conflict {
  note: string
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
  return {
    note: transaction.note,
    theirs: details?.current ?? null,
    keepMine: () => actions.keepMine({
      ...transaction,
      put: transaction.put.map((p) => (p.id !== undefined && p.id === theirsId ? { ...p, version: current } : p)),
      delete: transaction.delete.map((d) => (d.id === theirsId && current ? { ...d, version: current } : d)),
    }),
    keepTheirs: actions.keepTheirs,
  }
}

/** Someone else saved the same zone first: the planner chooses, nothing is dropped silently. */
export function ConflictDialog({ conflict }: { conflict: Conflict }) {
  const { t } = useI18n()
  const theirs = conflict.theirs?.properties
  return (
    <div className="modal" role="dialog" data-testid="conflict-dialog">
      <div className="panel">
        <h3>{t('conflictTitle')}</h3>
        <p>{t('conflictText')}</p>
        <p><strong>{conflict.note}</strong></p>
        {theirs && (
          <p className="muted">
            {t('keepTheirs')}: {theirs.name} ({theirs.code}) · {t('version')} {theirs.version}
            {theirs.chief ? ` · ${t('chief')} ${theirs.chief.name}` : ''}
          </p>
        )}
        <div className="row">
          <button data-testid="keep-theirs" onClick={() => void conflict.keepTheirs()}>{t('keepTheirs')}</button>
          <button data-testid="keep-mine" className="primary" onClick={() => void conflict.keepMine()}>{t('keepMine')}</button>
        </div>
      </div>
    </div>
  )
}
