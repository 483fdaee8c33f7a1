import { useEffect, useMemo, useState } from 'react'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { api, ApiError } from '../api/client.js'
import type { ErrorDetail } from '../api/types.js'
import { zoneKinds } from '../kinds/zone-kinds.js'
import type { Applied, ImportRequest, Transaction } from '../edits/transaction.js'
import { useI18n } from '../i18n/i18n.js'
import type { MapController } from '../map/MapController.js'
import { groupLayers, toImportCollection, type ImportLayer, type LayerTarget } from './import-layers.js'

interface Props {
  file: File
  controller: MapController | null
  parentCode: string | null
  onClose(): void
  /** Runs an import as a transaction (undo deletes what it made); a failure is passed back. */
  apply(transaction: Transaction): Promise<Applied>
}

async function readFile(file: File): Promise<FeatureCollection[]> {
  if (/\.zip$/i.test(file.name)) {
    const { default: shp } = await import('shpjs')
    const parsed = await shp(await file.arrayBuffer())
    return (Array.isArray(parsed) ? parsed : [parsed]) as FeatureCollection[]
  }
  const json = JSON.parse(await file.text()) as FeatureCollection | Feature
  return [json.type === 'Feature' ? { type: 'FeatureCollection', features: [json] } : json]
}

/** Drag-and-drop import: preview on the map, a kind per layer, the engine's errors per feature. */
export function ImportDialog({ file, controller, parentCode, onClose, apply }: Props) {
  const { t } = useI18n()
  const [layers, setLayers] = useState<ImportLayer[] | null>(null)
  const [targets, setTargets] = useState<Record<string, LayerTarget>>({})
  const [errors, setErrors] = useState<ErrorDetail[]>([])
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    readFile(file)
      .then((collections) => {
        const grouped = groupLayers(collections, file.name)
        setLayers(grouped)
        setTargets(Object.fromEntries(grouped.map((layer) => [layer.id, layer.suggested])))
      })
      .catch((error: unknown) => setMessage(`${t('loadFailed')}: ${error instanceof Error ? error.message : String(error)}`))
  }, [file, t])

  const preview = useMemo(() => layers && ({ type: 'FeatureCollection' as const, features: layers.flatMap((l) => l.features) }), [layers])
  useEffect(() => {
    if (!controller || !preview) return
    controller.setProposal(preview)
    if (preview.features.length) controller.fitTo(preview)
  }, [controller, preview])

  const run = async (dryRun: boolean) => {
    if (!layers) return
    setBusy(true)
    setErrors([])
    setMessage(null)
    const counts: Record<string, number> = {}
    const add = (created: Record<string, number> | undefined) => {
      for (const [key, value] of Object.entries(created ?? {})) counts[key] = (counts[key] ?? 0) + value
    }
    // A real import is one step of the history per request: a failure in a later one leaves the earlier in place.
    const send = async (request: ImportRequest) => {
      if (dryRun) {
        return request.format === 'zones'
          ? (await api.importCollection(request.collection, true)).created
          : (await api.importOsmRoads(request.collection, request.parent, true)).created
      }
      const applied = await apply({ note: `${t('importTitle')} ${file.name}`, put: [], delete: [], import: [request] })
      return applied.importCounts[0]
    }
    try {
      const osm = layers.filter((l) => targets[l.id] === 'osm-roads')
      const parentArea = parentCode ? await jurisdictionArea(parentCode) : null
      const zonesPart = toImportCollection(layers.filter((l) => targets[l.id] !== 'osm-roads' && targets[l.id] !== 'skip'), targets, parentCode, parentArea)
      if (zonesPart.features.length) add(await send({ format: 'zones', collection: zonesPart }))
      // Road files go through the engine's OSM converter, which joins ways into streets.
      for (const layer of osm) {
        add(await send({ format: 'osm-roads', collection: { type: 'FeatureCollection', features: layer.features }, ...(parentCode ? { parent: parentCode } : {}) }))
      }
      setMessage(`${dryRun ? t('importValid') : t('importDone')}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`)
    } catch (error) {
      if (error instanceof ApiError) {
        setErrors(error.detailList)
        setMessage(error.message)
      } else {
        setMessage(error instanceof Error ? error.message : String(error))
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="modal" role="dialog" data-testid="import-dialog">
      <div className="panel wide">
        <button className="close" onClick={onClose} aria-label={t('close')}>×</button>
        <h3>{t('importTitle')} · {file.name}</h3>
        {!layers && !message && <p>{t('loading')}</p>}
        {layers && (
          <table>
            <thead><tr><th>{t('importLayer')}</th><th>{t('features')}</th><th>{t('importAs')}</th></tr></thead>
            <tbody>
              {layers.map((layer) => (
                <tr key={layer.id} data-testid={`import-layer-${layer.id}`}>
                  <td>{layer.name}</td>
                  <td>{layer.features.length}</td>
                  <td>
                    <select data-testid={`import-kind-${layer.id}`} value={targets[layer.id]} onChange={(e) => setTargets({ ...targets, [layer.id]: e.target.value as LayerTarget })}>
                      <option value="as-is">{t('kind')}: properties.kind</option>
                      {zoneKinds.map((kind) => <option key={kind} value={kind}>{t(`kind.${kind}`)}</option>)}
                      <option value="osm-roads">{t('importOsmRoads')}</option>
                      <option value="skip">—</option>
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {message && <p data-testid="import-message">{message}</p>}
        {errors.length > 0 && (
          <div className="errors" data-testid="import-errors">
            <h4>{t('importErrors')} ({errors.length})</h4>
            <ul>{errors.slice(0, 200).map((e, i) => <li key={i}>{e.index !== undefined ? `${t('importFeature')} #${e.index}` : ''} {e.field}: {e.reason}</li>)}</ul>
          </div>
        )}
        <div className="row">
          <button data-testid="import-validate" disabled={!layers || busy} onClick={() => void run(true)}>{t('importValidate')}</button>
          <button data-testid="import-run" className="primary" disabled={!layers || busy} onClick={() => void run(false)}>{t('importRun')}</button>
        </div>
      </div>
    </div>
  )
}

/** The current jurisdiction's area, so that only what reaches into it is put under it. */
async function jurisdictionArea(code: string): Promise<Polygon | MultiPolygon | null> {
  const jurisdiction = (await api.jurisdictions()).find((candidate) => candidate.code === code)
  if (!jurisdiction) return null
  const geometry = (await api.getZone(jurisdiction.id)).geometry
  return geometry.type === 'Polygon' || geometry.type === 'MultiPolygon' ? geometry : null
}
