import { useEffect, useState } from 'react'
import { api, describeError } from '../api/client.js'
import type { Assignment, CategoryRoute, Party, SignboardKind, ZoneFeature } from '../api/types.js'
import { inputOf, type Applied, type Transaction } from '../edits/transaction.js'
import { useAppState, useAppStore } from '../app/store.js'
import { useI18n } from '../i18n/i18n.js'
import { signboardKinds, zoneKindTable } from '../kinds/zone-kinds.js'
import { AssignForm, type AssignBody } from './AssignForm.js'
import { SignboardDialog } from './SignboardDialog.js'
import { ZoneHistory } from '../audit/ZoneHistory.js'
import { useSession } from '../session/session.js'
import { CreditSection } from '../credit/CreditSection.js'
import { RosterSection } from '../rosters/RosterSection.js'

interface Props {
  zone: ZoneFeature
  zones: ZoneFeature[]
  /** For renames and deletes: the status bar reports them, a conflict opens the dialog. */
  commit(transaction: Transaction): Promise<Applied | null>
  /** For duties and routes: a failure is passed back and shown in the panel. */
  apply(transaction: Transaction): Promise<Applied>
  onClose(): void
}


export function ZonePanel({ zone, commit, apply, onClose }: Props) {
  const { t } = useI18n()
  // Only the tools the person holds: the server still refuses a zone outside their scope, and says why.
  const { can } = useSession()
  const canEdit = can('zones.edit')
  const p = zone.properties
  const [name, setName] = useState(p.name)
  const [history, setHistory] = useState<Assignment[] | null>(null)
  const [routes, setRoutes] = useState<CategoryRoute[] | null>(null)
  const [departments, setDepartments] = useState<Party[]>([])
  const [categories, setCategories] = useState<string[]>([])
  const [newRoute, setNewRoute] = useState({ category: '', department: '' })
  const [error, setError] = useState<string | null>(null)
  const [printing, setPrinting] = useState(false)
  // The table's signboard kinds are the ones the signboard endpoints take.
  const signboardKind = (signboardKinds as readonly string[]).includes(p.kind) ? (p.kind as SignboardKind) : null

  // A newer version (someone else's, kept after a conflict, or an undo) shows its own name.
  useEffect(() => setName(p.name), [p.name, p.version])

  const reloadDetails = async () => {
    setHistory(await api.listAssignments(zone.id).catch(() => null))
    setRoutes(await api.zoneCategories(zone.id).catch(() => null))
  }

  // An undo or redo may change the holders and routes without a new zone version.
  const historyTick = useAppState('historyTick')
  // Details belong to this zone and version, and to the history's latest step (while the zone
  // still stands: the step may have deleted it, and the panel closes with the next render).
  const store = useAppStore()
  useEffect(() => {
    if (store.get().zones.some((z) => z.id === zone.id)) void reloadDetails()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [zone.id, p.version, historyTick])

  useEffect(() => {
    api.listParties({ type: 'department' }).then(setDepartments).catch(() => setDepartments([]))
    api.listCategories().then((list) => setCategories(list.map((c) => c.name))).catch(() => setCategories([]))
  }, [zone.id, p.version])

  /** A duty or route change, as a transaction so that undo covers it. */
  const run = async (transaction: Omit<Transaction, 'put' | 'delete'>) => {
    setError(null)
    try {
      // The history's new step reloads the details.
      await apply({ put: [], delete: [], ...transaction })
    } catch (e) {
      setError(describeError(e))
    }
  }

  const assign = (body: AssignBody) => run({
    note: `${t(`duty.${body.duty}`)} ${p.code}${body.party ? ` ${body.party.name}` : ''}`,
    assign: [{ zoneId: zone.id, duty: body.duty, holder: body.party_id !== undefined ? { party_id: body.party_id } : { party: body.party! } }],
  })

  const setRoute = (category: string, department: string | null) => run({
    note: `${t('categoryRouting')} ${p.code} ${category}${department ? ` → ${department}` : ' ×'}`,
    route: [{ zoneId: zone.id, category, department }],
  })

  const rename = () =>
    void commit({ note: `${t('name')} ${p.code}`, put: [{ id: zone.id, version: p.version, zone: { ...inputOf(zone), name } }], delete: [] })

  const remove = () =>
    void commit({ note: `${t('deleteZone')} ${p.code}`, put: [], delete: [{ id: zone.id, version: p.version }] }).then((applied) => {
      if (applied) onClose()
    })

  return (
    <div className="panel zone-panel" data-testid="zone-panel">
      <button className="close" onClick={onClose} aria-label={t('close')}>×</button>
      <h3>{t(`kind.${p.kind}`)} · <span data-testid="zone-code">{p.code}</span></h3>
      <div className="row">
        <input data-testid="zone-name" value={name} readOnly={!canEdit} onChange={(e) => setName(e.target.value)} />
        {canEdit && <button data-testid="zone-rename" disabled={name === p.name || !name.trim()} onClick={rename}>{t('save')}</button>}
      </div>
      <dl className="facts">
        {p.parent_code && <><dt>{t('parent')}</dt><dd>{p.parent_code}</dd></>}
        {p.area_m2 != null && <><dt>{t('area')}</dt><dd>{Math.round(p.area_m2).toLocaleString()} {t('squareMetres')}</dd></>}
        {p.length_m != null && <><dt>{t('length')}</dt><dd>{Math.round(p.length_m).toLocaleString()} {t('metres')}</dd></>}
        {p.width_m != null && <><dt>{t('width')}</dt><dd>{p.width_m} {t('metres')}</dd></>}
        <dt>{t('version')}</dt><dd>{p.version}</dd>
      </dl>
      {signboardKind && can('signboards.print') && (
        <div className="row">
          <button data-testid="print-signboard" onClick={() => setPrinting(true)}>{t('printSignboard')}</button>
        </div>
      )}
      {printing && signboardKind && (
        <SignboardDialog zone={{ code: p.code, name: p.name, kind: signboardKind }} onClose={() => setPrinting(false)} />
      )}
      {error && <p className="error">{error}</p>}

      {zoneKindTable[p.kind].duties.map((duty) => {
        const current = p[duty]
        return (
          <section key={duty} data-testid={`duty-${duty}`}>
            <h4>{t(`duty.${duty}`)}</h4>
            <p data-testid={`current-${duty}`}>
              {current ? <><strong>{current.name}</strong> {current.phone ? `☎ ${current.phone}` : ''} {current.title ?? ''}</> : <span className="muted">{t('none')}</span>}
            </p>
            {can('assignments.edit') && <AssignForm
              duty={duty}
              departments={departments}
              onAssign={assign}
            />}
          </section>
        )
      })}

      <section>
        <h4>{t('categoryRouting')}</h4>
        <ul>
          {(routes ?? []).map((route) => (
            <li key={route.category}>
              {route.category} → {route.department.name}
              {route.inherited ? <span className="muted"> ({t('inherited')} {route.via.code})</span> : can('categories.edit') && (
                <button className="link" onClick={() => void setRoute(route.category, null)}>×</button>
              )}
            </li>
          ))}
        </ul>
        {can('categories.edit') && <div className="row">
          <input list="category-names" placeholder={t('category')} value={newRoute.category} onChange={(e) => setNewRoute({ ...newRoute, category: e.target.value })} />
          <datalist id="category-names">{categories.map((c) => <option key={c} value={c} />)}</datalist>
          <select value={newRoute.department} onChange={(e) => setNewRoute({ ...newRoute, department: e.target.value })}>
            <option value="">{t('department')}</option>
            {departments.map((d) => <option key={d.id} value={d.name}>{d.name}</option>)}
          </select>
          <button
            disabled={!newRoute.category || !newRoute.department}
            onClick={() => void setRoute(newRoute.category, newRoute.department).then(() => setNewRoute({ category: '', department: '' }))}
          >
            {t('addRoute')}
          </button>
        </div>}
      </section>

      {p.kind === 'frontage' && can('credit.read') && <CreditSection zoneId={zone.id} />}
      <section>
        <h4>{t('holderHistory')}</h4>
        <ul className="history" data-testid="zone-history">
          {(history ?? []).map((a) => (
            <li key={a.id}>
              {t(`duty.${a.duty}`)} · {a.party.name} · {a.valid_from.slice(0, 10)} – {a.valid_to ? a.valid_to.slice(0, 10) : t('current')}
            </li>
          ))}
        </ul>
      </section>
      {/* 五定 / 值守 (docs/rosters.md) */}
      <RosterSection zone={{ id: zone.id, kind: p.kind, code: p.code }} />
      <ZoneHistory zoneId={zone.id} refresh={`${p.version}:${historyTick}`} />
      {canEdit && <button className="danger" data-testid="zone-delete" onClick={remove}>{t('deleteZone')}</button>}
    </div>
  )
}
