import { useEffect, useMemo, useState } from 'react'
import type { Feature, FeatureCollection } from 'geojson'
import { ApiError, describeError } from '../api/client.js'
import type { ZoneFeature } from '../api/types.js'
import type { Applied, Transaction } from '../edits/transaction.js'
import { generateFrontagesFromShops } from '../geometry/generate-frontages-from-shops.js'
import type { Linear } from '../geometry/types.js'
import { isDrawingReason } from '../geometry/drawing-reasons.js'
import { useI18n, type MessageKey } from '../i18n/i18n.js'
import { reasonText } from '../i18n/reason-text.js'
import type { MapController } from '../map/MapController.js'
import { lineKindsBySpecificity } from '../kinds/zone-kinds.js'
import { isAreal, isLinear, nextChildCode } from '../modes/zone-helpers.js'
import { parseShopList, type Shop, type ShopCrs } from './parse-shop-list.js'

interface Props {
  file: File
  controller: MapController | null
  zones: ZoneFeature[]
  onClose(): void
  /** Runs the import as a transaction (undo deletes the frontages it made); a failure is passed back. */
  apply(transaction: Transaction): Promise<Applied>
  /** The frontages are in the engine: how many were made. */
  onImported(count: number): void
}

interface Planned {
  shop: Shop
  street: ZoneFeature
  code: string
  feature: Feature
}

/**
 * "Import shop list": reads the shops, generates every 门前三包 strip with neighbours clipped
 * apart, previews them on the map with each row's problems, and saves them through the engine's
 * import in one all-or-nothing request, each frontage with its merchant.
 */
export function ShopListDialog({ file, controller, zones, onClose, apply, onImported }: Props) {
  const { t } = useI18n()
  const [text, setText] = useState<string | null>(null)
  const [crs, setCrs] = useState<ShopCrs>('wgs84')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [engineProblems, setEngineProblems] = useState<{ row: number; column: string; reason: string }[]>([])

  useEffect(() => {
    file.text().then(setText, (e: unknown) => setError(describeError(e)))
  }, [file])

  const plan = useMemo(() => {
    if (text === null) return null
    const parsed = parseShopList(text, file.name, crs)
    // Segments before streets: a shop on a segmented street answers to its segment.
    const lines = lineKindsBySpecificity.flatMap((kind) => zones.filter((z) => z.properties.kind === kind && isLinear(z.geometry)))
    const generated = generateFrontagesFromShops({
      shops: parsed.shops.map((shop) => ({ key: shop, door: shop.door, widthM: shop.widthM })),
      streets: lines.map((zone) => ({ street: zone, geometry: zone.geometry as Linear, widthM: zone.properties.width_m ?? 12 })),
      existing: zones.filter((z) => z.properties.kind === 'frontage' && isAreal(z.geometry)).map((z) => z.geometry).filter(isAreal),
    })
    const taken = new Set<string>()
    const planned: Planned[] = generated.strips.map((strip) => {
      const code = nextChildCode(zones, 'frontage', `${strip.street.properties.code}-F`, taken)
      taken.add(code)
      const shop = strip.key
      return {
        shop,
        street: strip.street,
        code,
        feature: {
          type: 'Feature',
          geometry: strip.geometry,
          properties: {
            kind: 'frontage', code, name: shop.name, parent: strip.street.properties.code, parent_kind: strip.street.properties.kind,
            merchant: { name: shop.name, ...(shop.phone ? { phone: shop.phone } : {}) },
          },
        },
      }
    })
    const problems = [
      ...parsed.problems,
      ...generated.problems.map((p) => ({ row: p.key.row, column: '', reason: p.reason })),
    ].sort((a, b) => a.row - b.row)
    const failedDoors = generated.problems.map((p) => p.key)
    return { shops: parsed.shops, planned, problems, failedDoors }
  }, [text, file.name, crs, zones])

  useEffect(() => {
    if (!controller || !plan) return
    const preview: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        ...plan.planned.map((p): Feature => ({ type: 'Feature', geometry: p.feature.geometry, properties: { label: p.shop.name } })),
        ...plan.failedDoors.map((shop): Feature => ({ type: 'Feature', geometry: { type: 'Point', coordinates: shop.door }, properties: { label: `⚠ ${shop.name}` } })),
      ],
    }
    controller.setProposal(preview)
    if (preview.features.length) controller.fitTo(preview, { maxZoom: 19 })
  }, [controller, plan])
  useEffect(() => () => controller?.setProposal(null), [controller])

  // A row's problem: the list's own reasons (a column, a number), a frontage's drawing reasons, or the engine's words.
  const reason = (key: string) => {
    if (isDrawingReason(key)) return reasonText(t, key)
    const message = t(`shopReason.${key}` as MessageKey)
    return message === `shopReason.${key}` ? key : message
  }

  const accept = async () => {
    if (!plan?.planned.length) return
    setBusy(true)
    setError(null)
    setEngineProblems([])
    const collection: FeatureCollection = { type: 'FeatureCollection', features: plan.planned.map((p) => p.feature) }
    try {
      const applied = await apply({
        note: `${t('shopList')} ${file.name} ×${plan.planned.length}`, put: [], delete: [], import: [{ format: 'zones', collection }],
      })
      onImported(applied.imported.length)
      onClose()
    } catch (e) {
      setError(describeError(e))
      // The engine names features by index; the planner knows them by the row of the file.
      if (e instanceof ApiError) {
        setEngineProblems(e.detailList.map((d) => ({
          row: d.index !== undefined ? plan.planned[d.index]?.shop.row ?? 0 : 0, column: d.field ?? '', reason: d.reason,
        })))
      }
    } finally {
      setBusy(false)
    }
  }

  const problems = [...(plan?.problems ?? []), ...engineProblems]
  return (
    <div className="panel shop-list" data-testid="shop-list-dialog">
      <button className="close" title={t('close')} onClick={onClose}>×</button>
      <h3>{t('shopList')}</h3>
      <p className="muted small">{file.name} · {t('shopListHint')}</p>
      <label className="row">
        {t('shopCrs')}
        <select data-testid="shop-crs" value={crs} onChange={(e) => setCrs(e.target.value as ShopCrs)}>
          <option value="wgs84">{t('crs_wgs84')}</option>
          <option value="gcj02">{t('crs_gcj02')}</option>
          <option value="bd09">{t('crs_bd09')}</option>
        </select>
      </label>
      {plan && (
        <p data-testid="shop-summary">
          {plan.shops.length} {t('shopCount')} → <strong data-testid="shop-strip-count">{plan.planned.length}</strong> {t('shopStrips')}
        </p>
      )}
      {plan && plan.planned.length > 0 && (
        <ol className="small results">
          {plan.planned.map((p) => <li key={p.code}>{p.shop.name} · {p.code} · {p.street.properties.name}</li>)}
        </ol>
      )}
      {problems.length > 0 && (
        <>
          <h4>{t('shopProblems')} ({problems.length})</h4>
          <table className="small" data-testid="shop-problems">
            <thead><tr><th>{t('shopRow')}</th><th>{t('shopColumn')}</th><th /></tr></thead>
            <tbody>
              {problems.map((p, i) => (
                <tr key={i} className="error"><td>{p.row || ''}</td><td>{p.column}</td><td>{reason(p.reason)}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="row">
        <button data-testid="shop-accept" className="primary" disabled={busy || !plan?.planned.length} onClick={() => void accept()}>
          {t('shopAccept')} ({plan?.planned.length ?? 0})
        </button>
        <button onClick={onClose}>{t('cancel')}</button>
      </div>
      {error && <p className="error" data-testid="shop-error">{error}</p>}
    </div>
  )
}
