import { useEffect, useState } from 'react'
import { pointOnFeature } from '@turf/turf'
import { describeError } from '../api/client.js'
import { cases, type Case, type CasePreview } from '../api/cases.js'
import type { ZoneFeature } from '../api/types.js'
import { parseCoordinates } from '../components/parse-coordinates.js'
import { searchZones } from '../dispatch/use-dispatcher.js'
import { useI18n } from '../i18n/i18n.js'
import type { MapController } from '../map/MapController.js'
import { CaseFlags, ownerNameOf, RoutingChain } from './CaseDetails.js'
import { label } from './labels.js'

interface Props {
  controller: MapController | null
  categories: { id: number; name: string }[]
  onCreated(value: Case): void
  /** "This is the same as …": open that case instead of entering a new one. */
  onOpenCase(id: number): void
}

type PasteCrs = 'wgs84' | 'gcj02' | 'bd09'
type Point = { lon: number; lat: number; crs: PasteCrs }

/**
 * A hotline (12345) call: category, description, the place — clicked on the map, pasted in
 * WGS-84/GCJ-02/BD-09, or a street found by name — and the caller. 查看归属 asks the server who
 * owns it (owner, department, flags, possible duplicates) before 登记案件 enters it.
 */
export function IntakeForm({ controller, categories, onCreated, onOpenCase }: Props) {
  const { t } = useI18n()
  const [categoryId, setCategoryId] = useState('')
  const [description, setDescription] = useState('')
  const [point, setPoint] = useState<Point | null>(null)
  const [pasted, setPasted] = useState('')
  const [crs, setCrs] = useState<PasteCrs>('wgs84')
  const [picking, setPicking] = useState(false)
  const [street, setStreet] = useState('')
  const [streets, setStreets] = useState<ZoneFeature[] | null>(null)
  const [address, setAddress] = useState('')
  const [name, setName] = useState('')
  const [phone, setPhone] = useState('')
  const [preview, setPreview] = useState<CasePreview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  // A click on the map while picking sets the point (WGS-84: the map's own coordinates).
  useEffect(() => {
    if (!picking || !controller) return
    const map = controller.map
    const take = (event: { lngLat: { lng: number; lat: number } }) => {
      setPoint({ lon: event.lngLat.lng, lat: event.lngLat.lat, crs: 'wgs84' })
      setPicking(false)
    }
    map.getCanvas().style.cursor = 'crosshair'
    map.once('click', take)
    return () => {
      map.off('click', take)
      map.getCanvas().style.cursor = ''
    }
  }, [picking, controller])

  useEffect(() => controller?.setMarker(point && point.crs === 'wgs84' ? [point.lon, point.lat] : null), [controller, point])
  useEffect(() => () => controller?.setMarker(null), [controller])
  useEffect(() => setPreview(null), [categoryId, point])

  const paste = () => {
    const parsed = parseCoordinates(pasted)
    if (!parsed) {
      setError(t('badCoordinates'))
      return
    }
    setError(parsed.swapped ? t('swappedCoordinates') : null)
    setPoint({ lon: parsed.position[0]!, lat: parsed.position[1]!, crs })
    if (crs === 'wgs84') controller?.map.flyTo({ center: [parsed.position[0]!, parsed.position[1]!], zoom: 17 })
  }

  const findStreet = async () => {
    if (!street.trim()) return
    try {
      setStreets((await searchZones(street)).filter((z) => ['street', 'segment', 'frontage', 'grid'].includes(z.properties.kind)))
    } catch (e) {
      setError(describeError(e))
    }
  }

  const pickStreet = (zone: ZoneFeature) => {
    const [lon, lat] = pointOnFeature(zone).geometry.coordinates as [number, number]
    setPoint({ lon, lat, crs: 'wgs84' })
    setAddress((current) => current || zone.properties.name)
    setStreets(null)
    controller?.fitTo(zone.geometry, { maxZoom: 17 })
  }

  const location = () => (point ? { lon: point.lon, lat: point.lat, ...(point.crs === 'wgs84' ? {} : { crs: point.crs }) } : null)

  const ask = async () => {
    const where = location()
    if (!categoryId || !where) {
      setError(t('caseNeedFields'))
      return
    }
    setBusy(true)
    try {
      setPreview(await cases.preview({ category_id: Number(categoryId), location: where }))
      setError(null)
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  const create = async () => {
    const where = location()
    if (!categoryId || !where || !description.trim()) {
      setError(t('caseNeedFields'))
      return
    }
    setBusy(true)
    try {
      const created = await cases.create({
        channel: 'hotline',
        category_id: Number(categoryId),
        description: description.trim(),
        location: where,
        ...(address.trim() ? { address: address.trim() } : {}),
        ...(name.trim() ? { reporter_name: name.trim() } : {}),
        ...(phone.trim() ? { reporter_phone: phone.trim() } : {}),
      })
      setError(null)
      onCreated(created)
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="case-intake" data-testid="case-intake">
      <h4>{t('caseNewHotline')}</h4>
      <label>{t('caseCategory')}
        <select data-testid="intake-category" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
          <option value="">—</option>
          {categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      <label>{t('caseDescription')}
        <textarea data-testid="intake-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <div>
        <span className="muted">{t('casePoint')}：</span>
        <span data-testid="intake-point">{point ? `${point.lon.toFixed(6)}, ${point.lat.toFixed(6)}${point.crs === 'wgs84' ? '' : ` (${t(`crs_${point.crs}`)})`}` : t('caseNoPoint')}</span>
      </div>
      <div className="row">
        <button data-testid="intake-pick" className={picking ? 'active' : ''} onClick={() => setPicking(!picking)}>{t('casePickOnMap')}</button>
        {picking && <span className="muted small">{t('casePickHint')}</span>}
      </div>
      <div className="row">
        <input data-testid="intake-paste" placeholder={t('casePasteHint')} value={pasted} onChange={(e) => setPasted(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && paste()} />
        <select data-testid="intake-crs" value={crs} onChange={(e) => setCrs(e.target.value as PasteCrs)}>
          {(['wgs84', 'gcj02', 'bd09'] as const).map((c) => <option key={c} value={c}>{t(`crs_${c}`)}</option>)}
        </select>
        <button data-testid="intake-paste-go" onClick={paste}>{t('locate')}</button>
      </div>
      <div className="row">
        <input data-testid="intake-street" placeholder={t('caseAddressSearch')} value={street} onChange={(e) => setStreet(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void findStreet()} />
        <button onClick={() => void findStreet()}>{t('search')}</button>
      </div>
      {streets && (
        <ul className="results" data-testid="intake-streets">
          {streets.length === 0 && <li className="muted">{t('noResults')}</li>}
          {streets.map((zone) => (
            <li key={zone.id}>
              <button className="link" onClick={() => pickStreet(zone)}>{zone.properties.name} <span className="muted small">{zone.properties.code}</span></button>
            </li>
          ))}
        </ul>
      )}
      <label>{t('caseAddress')}
        <input data-testid="intake-address" value={address} onChange={(e) => setAddress(e.target.value)} />
      </label>
      <div className="row">
        <input data-testid="intake-name" placeholder={t('caseReporterName')} value={name} onChange={(e) => setName(e.target.value)} />
        <input data-testid="intake-phone" placeholder={t('caseReporterPhone')} value={phone} onChange={(e) => setPhone(e.target.value)} />
      </div>
      {error && <p className="error" data-testid="intake-error">{error}</p>}
      <div className="row">
        <button data-testid="intake-preview" disabled={busy} onClick={() => void ask()}>{t('casePreview')}</button>
        <button data-testid="intake-create" disabled={busy} onClick={() => void create()}>{t('caseCreate')}</button>
      </div>
      {preview && (
        <div className="case-preview panel" data-testid="intake-result">
          <div><span className="muted">{t('caseOwner')}</span> <strong data-testid="intake-owner">{ownerNameOf(preview.routing, preview.owner) ?? '—'}</strong>
            {preview.owner?.duty && <span className="muted small"> {label(t, 'duty', preview.owner.duty)}</span>}
          </div>
          <div><span className="muted">{t('caseDepartment')}</span> <span data-testid="intake-department">{preview.department?.name ?? '—'}</span></div>
          <CaseFlags flags={preview.flags} />
          <RoutingChain routing={preview.routing} />
          {preview.duplicates.length > 0 && (
            <div className="case-duplicates" data-testid="intake-duplicates">
              <strong>{t('caseDuplicateOffer')}</strong>
              <ul>
                {preview.duplicates.map((d) => (
                  <li key={d.id}>
                    {d.number} {label(t, 'caseState', d.state)} <span className="muted small">{Math.round(d.distance_m)} m</span>{' '}
                    <button className="link" data-testid={`intake-same-${d.number}`} onClick={() => onOpenCase(d.id)}>{t('caseSameAs')}</button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </div>
  )
}
