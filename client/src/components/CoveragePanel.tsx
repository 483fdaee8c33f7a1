import type { Geometry } from 'geojson'
import type { CoverageReport, Jurisdiction } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'
import { useSession } from '../session/session.js'
import { BatchSignboards } from './BatchSignboards.js'
import { unassignedDescription } from './coverage-labels.js'

interface Props {
  jurisdictions: Jurisdiction[]
  code: string | null
  onCode(code: string): void
  report: CoverageReport | null
  error: string | null
  onZoom(geometry: Geometry): void
  onZone(code: string): void
  /** The map holds fewer zones than the database: the audit speaks of the database, the map does not show it all. */
  zonesLeftOut: { shown: number; total: number } | null
}

const m2 = (value: number) => (value >= 100 ? Math.round(value).toLocaleString() : value.toFixed(1))

/** The audit of the current jurisdiction, refreshed after every edit; each defect zooms the map. */
export function CoveragePanel({ jurisdictions, code, onCode, report, error, onZoom, onZone, zonesLeftOut }: Props) {
  const { t } = useI18n()
  const { can } = useSession()
  const defects = report
    ? report.gaps.length + report.overlaps.length + report.spills.length + report.uncovered_streets.length + report.unassigned.length
    : 0
  return (
    <div className="panel coverage" data-testid="coverage-panel" data-ok={report ? String(report.ok) : 'unknown'} data-defects={defects}>
      <h3>{t('coveragePanel')}</h3>
      <div className="row">
        <label>{t('jurisdiction')}</label>
        <select data-testid="jurisdiction" value={code ?? ''} onChange={(e) => onCode(e.target.value)}>
          {jurisdictions.map((j) => (
            <option key={j.code} value={j.code}>{t(`kind.${j.kind}`)} · {j.name}</option>
          ))}
        </select>
        {can('signboards.print') && <BatchSignboards jurisdiction={jurisdictions.find((j) => j.code === code) ?? null} />}
      </div>
      {zonesLeftOut && (
        <p className="error" role="alert" data-testid="zones-left-out" data-shown={zonesLeftOut.shown} data-total={zonesLeftOut.total}>
          {t('zonesLeftOut').replace('{shown}', zonesLeftOut.shown.toLocaleString()).replace('{total}', zonesLeftOut.total.toLocaleString())}
        </p>
      )}
      {error && <p className="error">{t('coverageUnavailable')}: {error}</p>}
      {report && report.ok && <p className="clean" data-testid="coverage-clean">✓ {t('coverageClean')}</p>}
      {report && !report.ok && (
        <div className="defects">
          {report.gaps.length > 0 && (
            <section>
              <h4 className="gap">{t('coverageGaps')} ({report.gaps.length})</h4>
              <ul>{report.gaps.map((gap, i) => (
                <li key={i}><button className="link" onClick={() => onZoom(gap.geometry)}>#{i + 1} · {m2(gap.area_m2)} {t('squareMetres')}</button></li>
              ))}</ul>
            </section>
          )}
          {report.overlaps.length > 0 && (
            <section>
              <h4 className="overlap">{t('coverageOverlaps')} ({report.overlaps.length})</h4>
              <ul>{report.overlaps.map((o, i) => (
                <li key={i}><button className="link" onClick={() => onZoom(o.geometry)}>{o.a} × {o.b} · {m2(o.area_m2)} {t('squareMetres')}</button></li>
              ))}</ul>
            </section>
          )}
          {report.spills.length > 0 && (
            <section>
              <h4 className="spill">{t('coverageSpills')} ({report.spills.length})</h4>
              <ul>{report.spills.map((s, i) => (
                <li key={i}><button className="link" onClick={() => onZoom(s.geometry)}>{s.grid} · {m2(s.area_m2)} {t('squareMetres')}</button></li>
              ))}</ul>
            </section>
          )}
          {report.uncovered_streets.length > 0 && (
            <section>
              <h4 className="gap">{t('coverageUncovered')} ({report.uncovered_streets.length})</h4>
              <ul>{report.uncovered_streets.map((s, i) => (
                <li key={i}><button className="link" onClick={() => onZoom(s.geometry)}>{s.name} · {Math.round(s.length_m)} {t('metres')}</button></li>
              ))}</ul>
            </section>
          )}
          {report.unassigned.length > 0 && (
            <section>
              <h4>{t('coverageUnassigned')} ({report.unassigned.length})</h4>
              <ul>{report.unassigned.map((u, i) => (
                <li key={i}><button className="link" onClick={() => onZone(u.code)}>{u.name} <span className="muted">{unassignedDescription(t, u)}</span></button></li>
              ))}</ul>
            </section>
          )}
        </div>
      )}
    </div>
  )
}
