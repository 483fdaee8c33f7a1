import { useEffect, useState } from 'react'
import type { Position } from 'geojson'
import { api } from '../api/client.js'
import type { Crs, ZoneFeature } from '../api/types.js'
import { searchZones } from '../dispatch/use-dispatcher.js'
import { useI18n } from '../i18n/i18n.js'
import { parseCoordinates } from './parse-coordinates.js'

interface Props {
  category: string
  onCategory(category: string): void
  onLocate(position: Position, crs: Crs): void
  onPickZone(zone: ZoneFeature): void
  onError(text: string): void
}

/** The dispatcher's inputs: paste a point (with its coordinate system), choose a category, search. */
export function DispatcherBar(props: Props) {
  const { t } = useI18n()
  const [text, setText] = useState('')
  const [crs, setCrs] = useState<Crs>('wgs84')
  const [categories, setCategories] = useState<string[]>([])
  const [search, setSearch] = useState('')
  const [results, setResults] = useState<ZoneFeature[] | null>(null)

  useEffect(() => {
    api.listCategories().then((list) => setCategories(list.map((c) => c.name))).catch(() => setCategories([]))
  }, [])

  const locate = () => {
    const parsed = parseCoordinates(text)
    if (!parsed) {
      props.onError(t('badCoordinates'))
      return
    }
    if (parsed.swapped) props.onError(t('swappedCoordinates'))
    props.onLocate(parsed.position, crs)
  }

  const runSearch = async () => {
    if (!search.trim()) return
    try {
      setResults(await searchZones(search))
    } catch (error) {
      props.onError(error instanceof Error ? error.message : String(error))
    }
  }

  return (
    <div className="panel dispatcher" data-testid="dispatcher">
      <div className="row">
        <input data-testid="coordinates" value={text} placeholder={t('pasteCoordinates')} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && locate()} />
        <select data-testid="crs" value={crs} onChange={(e) => setCrs(e.target.value as Crs)}>
          {(['wgs84', 'gcj02', 'bd09'] as const).map((c) => <option key={c} value={c}>{t(`crs_${c}`)}</option>)}
        </select>
        <button data-testid="locate" onClick={locate}>{t('locate')}</button>
      </div>
      <div className="row">
        <label>{t('category')}</label>
        <select data-testid="category" value={props.category} onChange={(e) => props.onCategory(e.target.value)}>
          <option value="">{t('anyCategory')}</option>
          {categories.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </div>
      <div className="row">
        <input data-testid="search" value={search} placeholder={t('searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void runSearch()} />
        <button onClick={() => void runSearch()}>{t('search')}</button>
      </div>
      {results && (
        <ul className="results" data-testid="search-results">
          {results.length === 0 && <li className="muted">{t('noResults')}</li>}
          {results.map((zone) => (
            <li key={zone.id}>
              <button className="link" onClick={() => props.onPickZone(zone)}>
                {zone.properties.name} <span className="muted">{t(`kind.${zone.properties.kind}`)} {zone.properties.code}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
