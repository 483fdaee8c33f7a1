import { useState } from 'react'
import { useI18n } from '../i18n/i18n.js'
import type { MessageKey } from '../i18n/i18n.js'
import { departmentKinds, staffRoles, type DepartmentKind, type StaffRole } from '../../../server/rosters/roster-kinds.js'
import { splitDay } from '../../../server/rosters/shifts.js'
import type { CreateStaffBody, SplitShiftsBody } from '../../../server/rosters/rosters.schemas.js'
import type { Staff } from './rosters-api.js'

/**
 * Adding or changing one staff row, and the shift helper (a day cut into N shifts, one person
 * each: shifts.ts, the same function the server checks with). The server still validates; its
 * refusal, naming the field, is shown by the section.
 */
interface FormState {
  name: string
  phone: string
  role: StaffRole
  kind: DepartmentKind | ''
  label: string
  start: string
  end: string
  duties: string
  standards: string
  shown: boolean
}

const empty: FormState = { name: '', phone: '', role: 'grid_worker', kind: '', label: '', start: '', end: '', duties: '', standards: '', shown: true }

function stateOf(staff: Staff): FormState {
  return {
    name: staff.party.name, phone: staff.party.phone ?? '', role: staff.role, kind: staff.department_kind ?? '', label: staff.shift?.label ?? '',
    start: staff.shift?.start ?? '', end: staff.shift?.end ?? '', duties: staff.duties ?? '', standards: staff.standards ?? '', shown: staff.shown_publicly,
  }
}

function bodyOf(form: FormState, editing: Staff | null): CreateStaffBody {
  // The same person keeps their party; a new name or phone finds or creates the person.
  const samePerson = editing && editing.party.name === form.name.trim() && (editing.party.phone ?? '') === form.phone.trim()
  return {
    ...(samePerson ? { party_id: editing.party.id } : { party: { name: form.name.trim(), phone: form.phone.trim() || null } }),
    role: form.role,
    department_kind: form.kind || null,
    shift: form.start || form.end ? { label: form.label.trim() || null, start: form.start, end: form.end } : null,
    duties: form.duties || null,
    standards: form.standards || null,
    shown_publicly: form.shown,
    ...(editing ? { valid_from: editing.valid_from, valid_to: editing.valid_to } : {}),
  }
}

export function StaffForm({ editing, onSave, onCancel }: { editing: Staff | null; onSave(body: CreateStaffBody): Promise<void>; onCancel(): void }) {
  const { t } = useI18n()
  const [form, setForm] = useState<FormState>(editing ? stateOf(editing) : empty)
  const set = (patch: Partial<FormState>) => setForm({ ...form, ...patch })
  const save = () => void onSave(bodyOf(form, editing)).then(() => { if (!editing) setForm(empty) }, () => {})
  return (
    <div className="roster-form" data-testid="roster-form">
      <div className="row">
        <input data-testid="roster-name" placeholder={t('roster.name')} value={form.name} onChange={(e) => set({ name: e.target.value })} />
        <input data-testid="roster-phone" placeholder={t('roster.phone')} value={form.phone} onChange={(e) => set({ phone: e.target.value })} />
      </div>
      <div className="row">
        <select data-testid="roster-role" aria-label={t('roster.role')} value={form.role} onChange={(e) => set({ role: e.target.value as StaffRole })}>
          {staffRoles.map((role) => <option key={role} value={role}>{t(`roster.role.${role}` as MessageKey)}</option>)}
        </select>
        <select data-testid="roster-kind" aria-label={t('roster.kind')} value={form.kind} onChange={(e) => set({ kind: e.target.value as DepartmentKind | '' })}>
          <option value="">{t('roster.kindNone')}</option>
          {departmentKinds.map((kind) => <option key={kind} value={kind}>{t(`roster.kind.${kind}` as MessageKey)}</option>)}
        </select>
      </div>
      <div className="row">
        <input data-testid="roster-label" placeholder={t('roster.shiftLabel')} value={form.label} onChange={(e) => set({ label: e.target.value })} />
        <input data-testid="roster-start" type="time" aria-label={t('roster.start')} value={form.start} onChange={(e) => set({ start: e.target.value })} />
        <input data-testid="roster-end" type="time" aria-label={t('roster.end')} value={form.end} onChange={(e) => set({ end: e.target.value })} />
      </div>
      <div className="row">
        <input data-testid="roster-duties" placeholder={t('roster.duties')} value={form.duties} onChange={(e) => set({ duties: e.target.value })} />
        <input data-testid="roster-standards" placeholder={t('roster.standards')} value={form.standards} onChange={(e) => set({ standards: e.target.value })} />
      </div>
      <label className="row"><input data-testid="roster-shown" type="checkbox" checked={form.shown} onChange={(e) => set({ shown: e.target.checked })} />{t('roster.showPublicly')}</label>
      <div className="row">
        <button data-testid="roster-save" disabled={!form.name.trim()} onClick={save}>{editing ? t('roster.save') : t('roster.add')}</button>
        {editing && <button onClick={onCancel}>{t('roster.cancel')}</button>}
      </div>
    </div>
  )
}

/** "叶示例 139-0000-0101" per line: the name, and a phone if the line ends in one. */
function peopleOf(text: string): { name: string; phone: string | null }[] {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
    const match = /^(.*?)[\s,，]+([+\d][\d\s-]{5,})$/.exec(line)
    return match ? { name: match[1]!.trim(), phone: match[2]!.trim() } : { name: line, phone: null }
  })
}

export function ShiftSplitter({ onCreate }: { onCreate(body: SplitShiftsBody): Promise<void> }) {
  const { t } = useI18n()
  const [span, setSpan] = useState({ start: '07:00', end: '23:00', count: 3 })
  const [role, setRole] = useState<StaffRole>('department')
  const [kind, setKind] = useState<DepartmentKind | ''>('enforcement')
  const [names, setNames] = useState('')
  const [shown, setShown] = useState(true)
  let shifts: ReturnType<typeof splitDay> = []
  let problem: string | null = null
  try {
    shifts = splitDay(span.start, span.end, span.count)
  } catch (error) {
    problem = (error as Error).message
  }
  const people = peopleOf(names)
  const create = () =>
    void onCreate({ ...span, role, department_kind: kind || null, shown_publicly: shown, staff: people.map((party) => ({ party })) }).then(() => setNames(''), () => {})
  return (
    <details className="roster-split" data-testid="roster-split">
      <summary>{t('roster.split')}</summary>
      <p className="muted">{t('roster.splitHint')}</p>
      <div className="row">
        <input data-testid="split-start" type="time" aria-label={t('roster.start')} value={span.start} onChange={(e) => setSpan({ ...span, start: e.target.value })} />
        <input data-testid="split-end" type="time" aria-label={t('roster.end')} value={span.end} onChange={(e) => setSpan({ ...span, end: e.target.value })} />
        <label>{t('roster.splitCount')} <input data-testid="split-count" type="number" min={1} max={12} value={span.count} onChange={(e) => setSpan({ ...span, count: Number(e.target.value) })} /></label>
      </div>
      <div className="row">
        <select aria-label={t('roster.role')} value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
          {staffRoles.map((r) => <option key={r} value={r}>{t(`roster.role.${r}` as MessageKey)}</option>)}
        </select>
        <select aria-label={t('roster.kind')} value={kind} onChange={(e) => setKind(e.target.value as DepartmentKind | '')}>
          <option value="">{t('roster.kindNone')}</option>
          {departmentKinds.map((k) => <option key={k} value={k}>{t(`roster.kind.${k}` as MessageKey)}</option>)}
        </select>
        <label><input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />{t('roster.public')}</label>
      </div>
      {problem ? <p className="error">{problem}</p> : (
        <ol className="muted" data-testid="split-preview">
          {shifts.map((shift, i) => <li key={shift.start}>{shift.label} {shift.start}–{shift.end}{people[i] ? ` · ${people[i]!.name}` : ''}</li>)}
        </ol>
      )}
      <textarea data-testid="split-people" rows={3} placeholder={t('roster.splitNames')} value={names} onChange={(e) => setNames(e.target.value)} />
      <button data-testid="split-create" disabled={problem !== null || people.length !== shifts.length} onClick={create}>{t('roster.splitCreate')}</button>
    </details>
  )
}
