import { useEffect, useState } from 'react'
import { api, ApiError, describeError } from '../api/client.js'
import { cases, type Case, type CaseActionBody, type LimitUnit } from '../api/cases.js'
import type { Party } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'
import { label } from './labels.js'

/** Steps done with one press: nothing to ask. */
const IMMEDIATE = new Set(['file', 'accept', 'approve_park', 'unpark', 'approve_extension'])
/** Steps that need a reason (不予立案, 回退, 延期, 挂账, 返工, 驳回延期). */
const NEEDS_REASON = new Set(['void', 'hand_back', 'request_extension', 'request_park', 'send_back', 'refuse_extension'])
/** Steps that take photos: the handler's feedback (required), the verification (optional). */
const PHOTO_PURPOSE: Record<string, 'feedback' | 'verification'> = { handle: 'feedback', close: 'verification' }

interface Props {
  value: Case
  onChanged(next: Case, action: string): void
  onError(text: string): void
  /** The phone page: larger buttons, the camera for photos. */
  compact?: boolean
}

/**
 * Buttons for exactly the steps the server lists in `actions` for the signed-in person, and the
 * few fields a step needs (a reason, a time, a photo and a note, whom to dispatch to).
 */
export function CaseActions({ value, onChanged, onError, compact = false }: Props) {
  const { t } = useI18n()
  const [open, setOpen] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [reason, setReason] = useState('')
  const [note, setNote] = useState('')
  const [publicNote, setPublicNote] = useState('')
  const [assignee, setAssignee] = useState('')
  const [extensionValue, setExtensionValue] = useState('1')
  const [extensionUnit, setExtensionUnit] = useState<LimitUnit>('working_days')
  const [duplicateOf, setDuplicateOf] = useState('')
  const [rating, setRating] = useState('5')
  const [files, setFiles] = useState<File[]>([])
  const [parties, setParties] = useState<Party[] | null>(null)

  useEffect(() => {
    setOpen(null)
    setReason('')
    setNote('')
    setPublicNote('')
    setFiles([])
  }, [value.id, value.version])

  useEffect(() => {
    if (open !== 'dispatch' || parties) return
    api.listParties().then(setParties, () => setParties([]))
  }, [open, parties])

  const run = async (action: string) => {
    setBusy(true)
    try {
      const body: CaseActionBody = { action: action as CaseActionBody['action'], version: value.version }
      if (note.trim()) body.note = note.trim()
      if (publicNote.trim()) body.public_note = publicNote.trim()
      if (NEEDS_REASON.has(action)) body.reason = reason.trim()
      if (action === 'dispatch' && assignee) body.assignee_party_id = Number(assignee)
      if (action === 'request_extension') body.extension = { value: Number(extensionValue), unit: extensionUnit }
      if (action === 'evaluate') body.rating = Number(rating)
      if (action === 'mark_duplicate') body.duplicate_of = await duplicateId(duplicateOf)
      const purpose = PHOTO_PURPOSE[action]
      if (purpose) {
        if (action === 'handle' && files.length === 0) {
          onError(t('phoneNeedPhoto'))
          return
        }
        const ids: number[] = []
        for (const file of files) ids.push((await cases.uploadPhoto(value.id, purpose, file)).id)
        if (ids.length) body.photo_ids = ids
      }
      const next = await cases.act(value.id, body)
      setOpen(null)
      onChanged(next, action)
    } catch (error) {
      if (error instanceof ApiError && error.code === 'version_conflict') {
        onError(t('caseVersionConflict'))
        onChanged(await cases.get(value.id), '')
      } else if (error instanceof ApiError && error.code === 'invalid_transition') {
        onError(`${t('caseInvalidTransition')}${describeError(error)}`)
      } else onError(describeError(error))
    } finally {
      setBusy(false)
    }
  }

  if (value.actions.length === 0) return null
  return (
    <div className={`case-actions${compact ? ' compact' : ''}`} data-testid="case-actions">
      <div className="row">
        {value.actions.map((action) => (
          <button
            key={action}
            data-testid={`case-action-${action}`}
            className={open === action ? 'active' : ''}
            disabled={busy}
            onClick={() => (IMMEDIATE.has(action) ? void run(action) : setOpen(open === action ? null : action))}
          >
            {label(t, 'caseAction', action)}
          </button>
        ))}
      </div>
      {open && (
        <form
          className="case-action-form"
          data-testid="case-action-form"
          onSubmit={(e) => {
            e.preventDefault()
            void run(open)
          }}
        >
          <strong>{label(t, 'caseAction', open)}</strong>
          {open === 'dispatch' && (
            <label>{t('caseAssignTo')}
              <select data-testid="case-form-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
                <option value="">{t('caseAssignOwner')}{value.owner?.name ? `：${value.owner.name}` : ''}</option>
                {(parties ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            </label>
          )}
          {NEEDS_REASON.has(open) && (
            <label>{t('caseReason')}
              <input data-testid="case-form-reason" required={open !== 'refuse_extension'} value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
          )}
          {open === 'request_extension' && (
            <label>{t('caseExtensionValue')}
              <span className="row">
                <input data-testid="case-form-extension-value" type="number" min={1} max={10000} required value={extensionValue} onChange={(e) => setExtensionValue(e.target.value)} />
                <select data-testid="case-form-extension-unit" value={extensionUnit} onChange={(e) => setExtensionUnit(e.target.value as LimitUnit)}>
                  {(['working_hours', 'working_days', 'hours', 'days'] as const).map((u) => <option key={u} value={u}>{t(`unit_${u}`)}</option>)}
                </select>
              </span>
            </label>
          )}
          {open === 'mark_duplicate' && (
            <label>{t('caseDuplicateOf')}
              <input data-testid="case-form-duplicate" required value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} />
            </label>
          )}
          {open === 'evaluate' && (
            <label>{t('caseRating')}
              <select data-testid="case-form-rating" value={rating} onChange={(e) => setRating(e.target.value)}>
                {[5, 4, 3, 2, 1].map((n) => <option key={n} value={n}>{'★'.repeat(n)}</option>)}
              </select>
            </label>
          )}
          {PHOTO_PURPOSE[open] && (
            <label>{t('casePhoto')}
              <input
                data-testid="case-form-photo"
                type="file"
                accept="image/*"
                capture="environment"
                multiple
                onChange={(e) => setFiles([...(e.target.files ?? [])])}
              />
            </label>
          )}
          <label>{t('caseNote')}
            <textarea data-testid="case-form-note" required={open === 'handle'} rows={compact ? 3 : 2} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          {!compact && ['handle', 'close', 'void', 'send_back', 'dispatch'].includes(open) && (
            <label>{t('casePublicNote')}
              <input data-testid="case-form-public-note" value={publicNote} onChange={(e) => setPublicNote(e.target.value)} />
            </label>
          )}
          {busy && files.length > 0 && <span className="muted">{t('phoneUploading')}</span>}
          <div className="row">
            <button type="submit" data-testid="case-form-submit" disabled={busy}>{t('caseSubmit')}</button>
            <button type="button" onClick={() => setOpen(null)}>{t('caseCancel')}</button>
          </div>
        </form>
      )}
    </div>
  )
}

/** 重复于: a case id, or a case number (20261202-0007) looked up in the list. */
async function duplicateId(text: string): Promise<number> {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const found = await cases.list({ q: trimmed, limit: 5 })
  const match = found.cases.find((c) => c.number === trimmed)
  if (!match) throw new ApiError(400, 'invalid_field', `no case numbered ${trimmed}`, [{ field: 'duplicate_of', reason: 'not_found' }])
  return match.id
}
