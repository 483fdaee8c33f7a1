import { useEffect, useMemo, useRef, useState } from 'react'
import { describeError } from '../api/client.js'
import { useI18n } from '../i18n/i18n.js'
import type { MapController } from '../map/MapController.js'
import { assessmentUnits, formatValue, indicatorKeys, indicators, unitLabels, type IndicatorKey } from '../../../server/reports/indicators.js'
import type { AssessmentUnit } from '../../../server/assessment/types.js'
import { choropleth, NO_VALUE_COLOUR } from './choropleth.js'
import { attachGridValueLayer } from './grid-layer.js'
import { beijingDay, defaultChoice, initialValue, periodParams, type PeriodChoice, type PeriodKind } from './period-choice.js'
import { reports, type Ranking } from './ranking-api.js'
import './assessment.css'

const PERIOD_KINDS: PeriodKind[] = ['month', 'week', 'quarter', 'custom']

/** A class bound of the legend: counts with at most one decimal (0.6, not 0.6000000000000001). */
const legendValue = (kind: Parameters<typeof formatValue>[0], value: number) =>
  kind === 'count' ? String(Math.round(value * 10) / 10) : formatValue(kind, value)

function ChangeArrow({ change, isNew, newLabel }: { change: number | null; isNew: boolean; newLabel: string }) {
  if (isNew) return <span className="rank-new">{newLabel}</span>
  if (change === null || change === 0) return <span className="muted">—</span>
  return change > 0 ? <span className="rank-up">↑{change}</span> : <span className="rank-down">↓{-change}</span>
}

/**
 * The ranking page 考核排行 (issue 11): the period (the last whole month by default; a week, a
 * quarter or custom days), the unit kind and the indicator to rank by, the ranked table with each
 * unit's change of place since the period before, the exports (Excel, the monthly PDF), and the
 * grids on the map coloured by an indicator with its legend. For those with assessment.read.
 */
export function RankingPanel({ controller, onClose }: { controller: MapController | null; onClose(): void }) {
  const { t, language } = useI18n()
  const name = (entry: { zh: string; en: string }) => (language === 'zh' ? entry.zh : entry.en)
  const [choice, setChoice] = useState<PeriodChoice>(() => defaultChoice(new Date()))
  const [unit, setUnit] = useState<AssessmentUnit>('grid')
  const [sort, setSort] = useState<IndicatorKey>('score')
  const [mapIndicator, setMapIndicator] = useState<IndicatorKey>('score')
  const [ranking, setRanking] = useState<Ranking | null>(null)
  const [grids, setGrids] = useState<Ranking | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [reads, setReads] = useState(0)
  const layer = useRef<ReturnType<typeof attachGridValueLayer> | null>(null)

  const params = useMemo(() => ({ ...periodParams(choice), by: unit, sort }), [choice, unit, sort])
  const complete = choice.kind === 'custom' ? Boolean(choice.fromDay && choice.toDay) : Boolean(choice.value)

  useEffect(() => {
    if (!complete) return
    let live = true
    setLoading(true)
    reports.ranking(params).then(
      (answer) => {
        if (!live) return
        setRanking(answer)
        setError(null)
        setLoading(false)
      },
      (failure: unknown) => {
        if (!live) return
        setError(describeError(failure))
        setLoading(false)
      },
    )
    return () => {
      live = false
    }
  }, [params, complete, reads])

  // The map always shows grids, by its own indicator, over the same period.
  useEffect(() => {
    if (!complete) return
    let live = true
    reports.ranking({ ...periodParams(choice), by: 'grid', sort: mapIndicator }).then(
      (answer) => live && setGrids(answer),
      (failure: unknown) => live && setError(describeError(failure)),
    )
    return () => {
      live = false
    }
  }, [choice, complete, mapIndicator, reads])

  useEffect(() => {
    if (!controller) return
    const attached = attachGridValueLayer(controller)
    layer.current = attached
    return () => {
      attached.detach()
      layer.current = null
    }
  }, [controller])

  const mapFacts = indicators[mapIndicator]
  const scale = useMemo(
    () => choropleth(grids?.rows.map((row) => row.value) ?? [], mapFacts.higherIsBetter, { zeroBased: mapFacts.kind === 'count' }),
    [grids, mapFacts],
  )
  useEffect(() => {
    if (!grids) return
    layer.current?.set(grids.rows.flatMap((row) => (row.zone_id === null ? [] : [{
      zoneId: row.zone_id, code: row.code, name: row.name, value: row.value, colour: scale.colourOf(row.value), label: formatValue(mapFacts.kind, row.value),
    }])))
  }, [grids, scale, mapFacts, controller])

  const setKind = (kind: PeriodKind) => setChoice((current) => ({ ...current, kind, value: initialValue(kind, new Date()) }))
  const sortFacts = indicators[sort]

  return (
    <div className="ranking-desk" data-testid="ranking-panel">
      <div className="panel">
        <button className="close" onClick={onClose} aria-label={t('rankClose')}>×</button>
        <h3>{t('rankTitle')}</h3>
        <div className="ranking-controls">
          <label>
            {t('rankPeriod')}
            <select data-testid="rank-period-kind" value={choice.kind} onChange={(e) => setKind(e.target.value as PeriodKind)}>
              {PERIOD_KINDS.map((kind) => <option key={kind} value={kind}>{t(`rankPeriod.${kind}`)}</option>)}
            </select>
          </label>
          {choice.kind === 'month' && (
            <input data-testid="rank-period-month" type="month" value={choice.value} onChange={(e) => setChoice({ ...choice, value: e.target.value })} />
          )}
          {choice.kind === 'week' && (
            <input data-testid="rank-period-week" type="week" value={choice.value} onChange={(e) => setChoice({ ...choice, value: e.target.value })} />
          )}
          {choice.kind === 'quarter' && (
            <input data-testid="rank-period-quarter" pattern="\d{4}-Q[1-4]" placeholder="2026-Q4" value={choice.value} onChange={(e) => setChoice({ ...choice, value: e.target.value.toUpperCase() })} />
          )}
          {choice.kind === 'custom' && <>
            <label>{t('rankFrom')}<input data-testid="rank-period-from" type="date" value={choice.fromDay} onChange={(e) => setChoice({ ...choice, fromDay: e.target.value })} /></label>
            <label>{t('rankTo')}<input data-testid="rank-period-to" type="date" value={choice.toDay} onChange={(e) => setChoice({ ...choice, toDay: e.target.value })} /></label>
          </>}
          <label>
            {t('rankUnit')}
            <select data-testid="rank-unit" value={unit} onChange={(e) => setUnit(e.target.value as AssessmentUnit)}>
              {assessmentUnits.map((kind) => <option key={kind} value={kind}>{name(unitLabels[kind])}</option>)}
            </select>
          </label>
          <label>
            {t('rankSort')}
            <select data-testid="rank-sort" value={sort} onChange={(e) => setSort(e.target.value as IndicatorKey)}>
              {indicatorKeys.map((key) => <option key={key} value={key}>{name(indicators[key])}</option>)}
            </select>
          </label>
          <button data-testid="rank-refresh" onClick={() => setReads((n) => n + 1)}>{t('rankRefresh')}</button>
        </div>
        <div className="ranking-exports">
          <a data-testid="rank-export-xlsx" className="button" href={reports.exportUrl('xlsx', params)} download>{t('rankExportXlsx')}</a>
          <a data-testid="rank-export-pdf" className="button" href={reports.exportUrl('pdf', params)} target="_blank" rel="noreferrer">{t('rankExportPdf')}</a>
        </div>
        {error && <p className="error" data-testid="rank-error">{error}</p>}
        {ranking && (
          <p className="muted small" data-testid="rank-period-text">
            {beijingDay(ranking.from)} – {beijingDay(ranking.to, { last: true })} · {t('rankComparedWith')} {beijingDay(ranking.previous_from)} – {beijingDay(ranking.previous_to, { last: true })}
            {loading ? ` · ${t('rankLoading')}` : ''}
          </p>
        )}
        <table className="ranking-table" data-testid="rank-table">
          <thead>
            <tr>
              <th>{t('rankRank')}</th>
              <th>{t('rankChange')}</th>
              <th>{t('rankName')}</th>
              <th>{name(sortFacts)}</th>
              <th>{t('rankPreviousRank')}</th>
            </tr>
          </thead>
          <tbody>
            {ranking?.rows.length === 0 && <tr><td colSpan={5} className="muted">{t('rankNone')}</td></tr>}
            {ranking?.rows.map((row) => (
              <tr key={row.code} data-testid={`rank-row-${row.code}`}>
                <td data-testid="rank-rank">{row.rank ?? '—'}</td>
                <td data-testid="rank-change"><ChangeArrow change={row.rank_change} isNew={row.previous === null} newLabel={t('rankNew')} /></td>
                <td>
                  <button className="link" onClick={() => {
                    const zone = row.zone_id === null ? undefined : controller?.zone(row.zone_id)
                    if (zone) controller?.fitTo(zone.geometry, { maxZoom: 16 })
                  }}>{row.name}</button>
                  <span className="muted small"> {row.code}</span>
                </td>
                <td data-testid="rank-value">{formatValue(sortFacts.kind, row.value)}</td>
                <td className="muted">{row.previous?.rank ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="panel ranking-map-legend" data-testid="rank-legend">
        <label>
          {t('rankMapIndicator')}
          <select data-testid="rank-map-indicator" value={mapIndicator} onChange={(e) => setMapIndicator(e.target.value as IndicatorKey)}>
            {indicatorKeys.map((key) => <option key={key} value={key}>{name(indicators[key])}</option>)}
          </select>
        </label>
        <ul>
          {scale.classes.map((entry) => (
            <li key={entry.colour}>
              <span className="swatch" style={{ background: entry.colour }} />
              {legendValue(mapFacts.kind, entry.min)} – {legendValue(mapFacts.kind, entry.max)}
            </li>
          ))}
          <li><span className="swatch" style={{ background: NO_VALUE_COLOUR }} />{t('rankNoValue')}</li>
        </ul>
      </div>
    </div>
  )
}
