import { useState } from 'react'
import { api } from '../api/client.js'
import type { Duty, Party } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'

export type AssignBody = { duty: Duty; party_id?: number; party?: { name: string; phone?: string; title?: string; role?: string } }

/** Pick a holder from the directory, or add a new person, for one duty of a zone. */
export function AssignForm({ duty, departments, onAssign }: { duty: Duty; departments: Party[]; onAssign(body: AssignBody): Promise<void> }) {
  const { t } = useI18n()
  const [query, setQuery] = useState('')
  const [matches, setMatches] = useState<Party[]>([])
  const [person, setPerson] = useState({ name: '', phone: '', title: '' })

  if (duty === 'department') {
    return (
      <div className="row">
        <select data-testid="assign-department" defaultValue="" onChange={(e) => e.target.value && void onAssign({ duty, party_id: Number(e.target.value) })}>
          <option value="">{t('assignDepartment')}</option>
          {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
      </div>
    )
  }

  const search = async (text: string) => {
    setQuery(text)
    if (!text.trim()) return setMatches([])
    setMatches(await api.listParties({ type: duty, q: text.trim() }).catch(() => []))
  }

  return (
    <div className="assign" data-testid={`assign-${duty}`}>
      <input data-testid={`pick-${duty}`} placeholder={t('pickFromDirectory')} value={query} onChange={(e) => void search(e.target.value)} />
      {matches.length > 0 && (
        <ul className="results">
          {matches.slice(0, 8).map((party) => (
            <li key={party.id}>
              <button className="link" onClick={() => void onAssign({ duty, party_id: party.id }).then(() => { setQuery(''); setMatches([]) })}>
                {party.name} {party.phone ?? ''} <span className="muted">{party.zones.length} {t('holds')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <input data-testid={`new-${duty}-name`} placeholder={t('name')} value={person.name} onChange={(e) => setPerson({ ...person, name: e.target.value })} />
        <input data-testid={`new-${duty}-phone`} placeholder={t('phone')} value={person.phone} onChange={(e) => setPerson({ ...person, phone: e.target.value })} />
        <input placeholder={t('title')} value={person.title} onChange={(e) => setPerson({ ...person, title: e.target.value })} />
        <button
          data-testid={`assign-${duty}-new`}
          disabled={!person.name.trim()}
          onClick={() => void onAssign({
            duty,
            party: { name: person.name.trim(), ...(person.phone ? { phone: person.phone.trim() } : {}), ...(person.title ? { title: person.title.trim() } : {}) },
          }).then(() => setPerson({ name: '', phone: '', title: '' }))}
        >
          {t('assign')}
        </button>
      </div>
    </div>
  )
}
