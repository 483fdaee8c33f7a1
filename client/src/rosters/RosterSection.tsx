import { useCallback, useEffect, useState } from 'react'
import { describeError } from '../api/client.js'
import { useI18n, type MessageKey } from '../i18n/i18n.js'
import { useSession } from '../session/session.js'
import { requirementPeriods, staffRoles, type RequirementPeriod, type StaffRole } from '../../../server/rosters/roster-kinds.js'
import type { CreateStaffBody, SplitShiftsBody } from '../../../server/rosters/rosters.schemas.js'
import { rostersApi, type EffectiveRequirementRow, type RequirementRow, type SixStaffReport, type Staff } from './rosters-api.js'
import { ShiftSplitter, StaffForm } from './StaffForm.js'

/**
 * The zone panel's 「五定 / 值守」 section (docs/rosters.md): the zone's staff and shifts, a street's
 * 下沉六员, the required patrol frequency per role (the kind's or the zone's own), and for
 * rosters.edit the editor. Reads and writes go straight to the rosters API.
 */
export function RosterSection({ zone }: { zone: { id: number; kind: string; code: string } }) {
  const { t } = useI18n()
  const { can } = useSession()
  const canEdit = can('rosters.edit')
  const [staff, setStaff] = useState<Staff[] | null>(null)
  const [six, setSix] = useState<SixStaffReport | null>(null)
  const [effective, setEffective] = useState<EffectiveRequirementRow[]>([])
  const [overrides, setOverrides] = useState<RequirementRow[]>([])
  const [editing, setEditing] = useState<Staff | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(async () => {
    setStaff(await rostersApi.staff(zone.id).catch(() => null))
    setSix(zone.kind === 'street' ? await rostersApi.sixStaff(zone.id).catch(() => null) : null)
    const requirements = await rostersApi.requirements(zone.id).catch(() => null)
    setEffective(requirements?.effective ?? [])
    setOverrides((requirements?.zones ?? []).filter((row) => row.zone?.id === zone.id))
  }, [zone.id, zone.kind])

  useEffect(() => {
    setEditing(null)
    void reload()
  }, [reload])

  const write = async (action: () => Promise<unknown>): Promise<void> => {
    setError(null)
    try {
      await action()
      setEditing(null)
      await reload()
    } catch (e) {
      setError(describeError(e))
      throw e
    }
  }
  const quiet = (promise: Promise<void>): Promise<void> => promise.catch(() => {})

  // A refused write rejects, so the form keeps what was typed; the refusal is shown above.
  const add = (body: CreateStaffBody) => write(() => rostersApi.addStaff(zone.id, body))
  const change = (row: Staff) => (body: CreateStaffBody) => write(() => rostersApi.updateStaff(row.id, { ...body, version: row.version }))
  const split = (body: SplitShiftsBody) => write(() => rostersApi.splitShifts(zone.id, body))
  const remove = (row: Staff) => void quiet(write(() => rostersApi.removeStaff(row.id, row.version)))

  return (
    <section className="roster" data-testid="roster-section">
      <h4>{t('roster.title')}</h4>
      {error && <p className="error" data-testid="roster-error">{error}</p>}
      <ul className="roster-staff">
        {(staff ?? []).length === 0 && <li className="muted">{t('roster.none')}</li>}
        {(staff ?? []).map((row) => (
          <li key={row.id} data-testid="roster-staff-row" className={row.current ? '' : 'muted'}>
            <strong>{row.party.name}</strong>{row.party.phone ? ` ☎ ${row.party.phone}` : ''}
            {' · '}{row.department_kind ? t(`roster.kind.${row.department_kind}` as MessageKey) : t(`roster.role.${row.role}` as MessageKey)}
            {' · '}<span data-testid="roster-shift">{row.shift ? `${row.shift.label ? `${row.shift.label} ` : ''}${row.shift.start}–${row.shift.end}` : t('roster.noShift')}</span>
            {' · '}<span className="muted">{row.shown_publicly ? t('roster.public') : t('roster.notPublic')}</span>
            {row.valid_to && <span className="muted"> {t('roster.validTo')} {row.valid_to}</span>}
            {!row.current && <span className="muted"> ({t('roster.expired')})</span>}
            {(row.duties || row.standards) && (
              <div className="muted small">
                {row.duties && <>{t('roster.duties')}：{row.duties} </>}
                {row.standards && <>{t('roster.standards')}：{row.standards}</>}
              </div>
            )}
            {canEdit && (
              <span>
                {' '}<button className="link" data-testid="roster-edit" onClick={() => setEditing(row)}>{t('roster.edit')}</button>
                {' '}<button className="link" data-testid="roster-remove" onClick={() => remove(row)}>{t('roster.remove')}</button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {canEdit && <StaffForm key={editing?.id ?? 'new'} editing={editing} onSave={editing ? change(editing) : add} onCancel={() => setEditing(null)} />}
      {canEdit && <ShiftSplitter onCreate={split} />}

      {six && (
        <div data-testid="six-staff">
          <h4>{t('roster.six')}</h4>
          <p>
            {six.kinds.map((kind) => (
              <span key={kind.kind} className={kind.staffed ? 'six-staffed' : 'six-missing'} data-testid={`six-${kind.kind}`}>
                {kind.staffed ? '✓' : '✗'} {t(`roster.kind.${kind.kind}` as MessageKey)}{' '}
              </span>
            ))}
          </p>
          <p className={six.complete ? 'muted' : 'error'}>
            {six.complete ? t('roster.sixComplete') : `${t('roster.sixMissing')}：${six.missing.map((kind) => t(`roster.kind.${kind}` as MessageKey)).join('、')}`}
          </p>
        </div>
      )}

      <Requirements effective={effective} overrides={overrides} zoneId={zone.id} canEdit={canEdit} write={(action) => quiet(write(action))} />
    </section>
  )
}

function Requirements({ effective, overrides, zoneId, canEdit, write }: {
  effective: EffectiveRequirementRow[]
  overrides: RequirementRow[]
  zoneId: number
  canEdit: boolean
  write(action: () => Promise<unknown>): Promise<void>
}) {
  const { t } = useI18n()
  const [draft, setDraft] = useState<{ role: StaffRole; times: number; per: RequirementPeriod }>({ role: 'chief', times: 1, per: 'week' })
  const own = (role: StaffRole) => overrides.find((row) => row.role === role)
  const setOverride = () => {
    const existing = own(draft.role)
    void write(() => rostersApi.putRequirement({ zone_id: zoneId, ...draft, ...(existing ? { version: existing.version } : {}) }))
  }
  return (
    <div data-testid="roster-requirements">
      <h4>{t('roster.requirements')}</h4>
      <ul>
        {effective.map((row) => (
          <li key={row.role} data-testid={`requirement-${row.role}`}>
            {t(`roster.role.${row.role}` as MessageKey)}：{t(`roster.per.${row.per}` as MessageKey)} {row.times} {t('roster.times')}
            <span className="muted"> ({row.source === 'zone' ? t('roster.fromZone') : t('roster.fromKind')})</span>
            {canEdit && row.source === 'zone' && own(row.role) && (
              <> <button className="link" onClick={() => void write(() => rostersApi.removeRequirement(own(row.role)!.id, own(row.role)!.version))}>{t('roster.clearOverride')}</button></>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <div className="row">
          <select aria-label={t('roster.role')} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as StaffRole })}>
            {staffRoles.map((role) => <option key={role} value={role}>{t(`roster.role.${role}` as MessageKey)}</option>)}
          </select>
          <select aria-label={t('roster.per.week')} value={draft.per} onChange={(e) => setDraft({ ...draft, per: e.target.value as RequirementPeriod })}>
            {requirementPeriods.map((per) => <option key={per} value={per}>{t(`roster.per.${per}` as MessageKey)}</option>)}
          </select>
          <input type="number" min={1} max={1000} value={draft.times} onChange={(e) => setDraft({ ...draft, times: Number(e.target.value) })} />
          <button onClick={setOverride}>{t('roster.setOverride')}</button>
        </div>
      )}
    </div>
  )
}
