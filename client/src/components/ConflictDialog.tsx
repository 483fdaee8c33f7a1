import type { ZoneFeature } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'

export interface Conflict {
  note: string
  theirs: ZoneFeature | null
  keepMine(): Promise<void>
  keepTheirs(): Promise<void>
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
