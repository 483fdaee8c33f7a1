import { useEffect, useMemo, useState } from 'react'
import { area } from '@turf/turf'
import type { ZoneFeature } from '../api/types.js'
import type { Applied, Transaction, ZonePut } from '../edits/transaction.js'
import { generateLatticeGrids } from '../geometry/generate-lattice-grids.js'
import { generateStreetGrids } from '../geometry/generate-street-grids.js'
import { orderGridCodes } from '../geometry/order-grid-codes.js'
import { linesOf, type Areal } from '../geometry/types.js'
import { useI18n } from '../i18n/i18n.js'
import { reasonText } from '../i18n/reason-text.js'
import { isJurisdictionKind, wholeLineKinds, zoneKindTable } from '../kinds/zone-kinds.js'
import type { MapController } from '../map/MapController.js'
import { collection } from '../modes/modes.js'
import { isAreal, isLinear } from '../modes/zone-helpers.js'

interface Props {
  controller: MapController
  zones: ZoneFeature[]
  jurisdictionCode: string | null
  commit(transaction: Transaction): Promise<Applied | null>
}

/** The kinds a unit grid sits in (a community): the generator cuts each of them on its own. */
const gridParentKinds = zoneKindTable.grid.parents
/** Whole streets (not their segments), along which the street method cuts blocks. */
const streetKinds = wholeLineKinds

interface ProposedGrid {
  geometry: Areal
  community: ZoneFeature
  code: string
}

/**
 * Proposes N unit grids for a jurisdiction. A grid must lie in one community, so N is shared out
 * among the jurisdiction's communities by area and each community is cut on its own.
 */
export function GeneratePanel({ controller, zones, jurisdictionCode, commit }: Props) {
  const { t } = useI18n()
  const [count, setCount] = useState(16)
  const [method, setMethod] = useState<'lattice' | 'streets'>('lattice')
  const [replace, setReplace] = useState(true)
  const [proposal, setProposal] = useState<ProposedGrid[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const jurisdiction = zones.find((z) => z.properties.code === jurisdictionCode && isJurisdictionKind(z.properties.kind))
  const communities = useMemo(() => {
    if (!jurisdiction) return []
    if (gridParentKinds.includes(jurisdiction.properties.kind)) return [jurisdiction]
    const below = new Set([jurisdiction.id])
    let grew = true
    while (grew) {
      grew = false
      for (const z of zones) {
        if (z.properties.parent_id !== null && below.has(z.properties.parent_id) && !below.has(z.id) && isJurisdictionKind(z.properties.kind)) {
          below.add(z.id)
          grew = true
        }
      }
    }
    return zones.filter((z) => gridParentKinds.includes(z.properties.kind) && below.has(z.id))
  }, [jurisdiction, zones])

  useEffect(() => {
    controller.setProposal(proposal && collection(proposal.map((g) => ({ type: 'Feature', geometry: g.geometry, properties: { label: g.code } }))))
  }, [controller, proposal])
  useEffect(() => () => controller.setProposal(null), [controller])

  const generate = () => {
    setError(null)
    const targets = communities.filter((c) => isAreal(c.geometry))
    if (targets.length === 0 || count < targets.length) {
      setError(targets.length === 0 ? t('noResults') : `${t('gridCount')} ≥ ${targets.length}`)
      return
    }
    const areas = targets.map((c) => area(c.geometry))
    const total = areas.reduce((a, b) => a + b, 0)
    // Largest remainder: every community gets at least one grid, the rest by area.
    const shares = areas.map((a) => Math.max(1, Math.floor((a / total) * count)))
    while (shares.reduce((a, b) => a + b, 0) > count) shares[shares.indexOf(Math.max(...shares))]!--
    const remainders = areas.map((a, i) => (a / total) * count - shares[i]!)
    while (shares.reduce((a, b) => a + b, 0) < count) {
      const i = remainders.indexOf(Math.max(...remainders))
      shares[i]!++
      remainders[i] = -Infinity
    }
    const proposed: ProposedGrid[] = []
    for (const [index, community] of targets.entries()) {
      const boundary = community.geometry as Areal
      const streets = zones.filter((z) => streetKinds.includes(z.properties.kind) && isLinear(z.geometry)).flatMap((z) => linesOf(z.geometry as never))
      const result = method === 'lattice' ? generateLatticeGrids(boundary, shares[index]!) : generateStreetGrids(boundary, streets, shares[index]!)
      if (!result.valid) {
        setError(reasonText(t, result.reason))
        return
      }
      const existing = zones.filter((z) => z.properties.kind === 'grid' && z.properties.parent_id === community.id)
      const start = replace ? 1 : existing.reduce((max, z) => Math.max(max, Number(z.properties.code.slice(community.properties.code.length)) || 0), 0) + 1
      const codes = orderGridCodes(result.value, community.properties.code, { start })
      result.value.forEach((geometry, i) => proposed.push({ geometry, community, code: codes[i]! }))
    }
    setProposal(proposed)
  }

  /** Adjusting a proposal: halve its largest grid, and renumber that community in reading order. */
  const splitLargest = () => {
    if (!proposal) return
    const largest = [...proposal].sort((a, b) => area(b.geometry) - area(a.geometry))[0]
    if (!largest) return
    const halves = generateLatticeGrids(largest.geometry, 2)
    if (!halves.valid) return
    const community = largest.community
    const same = proposal.filter((g) => g.community === community && g !== largest).map((g) => g.geometry).concat(halves.value)
    const first = Math.min(...proposal.filter((g) => g.community === community).map((g) => Number(g.code.slice(community.properties.code.length)) || 1))
    const codes = orderGridCodes(same, community.properties.code, { start: first })
    setProposal([
      ...proposal.filter((g) => g.community !== community),
      ...same.map((geometry, i) => ({ geometry, community, code: codes[i]! })),
    ])
  }

  const accept = async () => {
    if (!proposal) return
    setBusy(true)
    const replaced = replace
      ? zones.filter((z) => z.properties.kind === 'grid' && communities.some((c) => c.id === z.properties.parent_id))
      : []
    const puts: ZonePut[] = proposal.map((g) => ({
      zone: { kind: 'grid', code: g.code, name: `${g.community.properties.name}${t('kind.grid')}${g.code.slice(-2)}`, parent: g.community.properties.code, geometry: g.geometry },
    }))
    const applied = await commit({
      note: `${t('mode.generate-grids')} ${jurisdiction?.properties.name ?? ''} ×${proposal.length}`,
      put: puts,
      delete: replaced.map((z) => ({ id: z.id, version: z.properties.version })),
    })
    setBusy(false)
    if (applied) setProposal(null)
  }

  return (
    <div className="panel generate" data-testid="generate-panel">
      <h3>{t('mode.generate-grids')}</h3>
      <p className="muted">{jurisdiction ? `${t(`kind.${jurisdiction.properties.kind}`)} · ${jurisdiction.properties.name}` : t('noResults')}</p>
      <div className="row">
        <label>{t('gridCount')}</label>
        <input data-testid="grid-count" type="number" min={1} max={400} value={count} onChange={(e) => setCount(Number(e.target.value))} />
      </div>
      <div className="row">
        <label><input type="radio" name="method" checked={method === 'lattice'} onChange={() => setMethod('lattice')} /> {t('methodLattice')}</label>
        <label><input data-testid="method-streets" type="radio" name="method" checked={method === 'streets'} onChange={() => setMethod('streets')} /> {t('methodStreets')}</label>
      </div>
      <label className="row"><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> {t('replaceExisting')}</label>
      <div className="row">
        <button data-testid="generate" onClick={generate}>{t('generate')}</button>
        {proposal && <button title={t('proposal')} onClick={splitLargest}>+1</button>}
        {proposal && <button data-testid="accept-proposal" className="primary" disabled={busy} onClick={() => void accept()}>{t('accept')} ({proposal.length})</button>}
        {proposal && <button onClick={() => setProposal(null)}>{t('discard')}</button>}
      </div>
      {proposal && <p className="small" data-testid="proposal-count">{t('proposal')}: {proposal.length}</p>}
      {error && <p className="error">{error}</p>}
    </div>
  )
}
