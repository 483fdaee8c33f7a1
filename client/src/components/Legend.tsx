import { useI18n } from '../i18n/i18n.js'
import { drawingOf, kindsDrawnAs, labelledJurisdictionKinds, ownerKinds, zoneKindTable, type ZoneKind } from '../kinds/zone-kinds.js'
import { CHIEF_PALETTE, COLOURS } from '../map/style.js'

/** A kind's swatch as the map draws it (style.ts), in the kind's legend colour from the table. */
function Swatch({ kind }: { kind: ZoneKind }) {
  const colour = zoneKindTable[kind].map.colour
  switch (drawingOf(kind)) {
    case 'boundary':
      return <span className="swatch line dashed" style={{ borderColor: colour }} />
    case 'cell':
      return <span className="swatch" style={{ background: `${colour}33`, border: `1px solid ${colour}` }} />
    case 'strip':
      return <span className="swatch" style={{ background: `${colour}99` }} />
    case 'band':
      return <span className="swatch line thin" style={{ borderColor: colour }} />
    case 'part':
      return <span className="swatch line thick" style={{ borderColor: colour }} />
  }
}

/** The legend, built from the zone kind table: the named jurisdictions in one row, then each owner kind. */
export function Legend() {
  const { t } = useI18n()
  const boundaries = labelledJurisdictionKinds.filter((kind) => kindsDrawnAs('boundary').includes(kind))
  return (
    <div className="panel legend" data-testid="legend">
      <h3>{t('legend')}</h3>
      <ul>
        {boundaries.length > 0 && <li><Swatch kind={boundaries[0]!} />{boundaries.map((kind) => t(`kind.${kind}`)).join(' / ')}</li>}
        {ownerKinds.map((kind) => <li key={kind}><Swatch kind={kind} />{t(`kind.${kind}`)}</li>)}
        <li><span className="swatch hatch" />{t('legendNoChief')}</li>
        <li><span className="swatch" style={{ background: COLOURS.gap }} />{t('legendGap')}</li>
        <li><span className="swatch" style={{ background: COLOURS.overlap }} />{t('legendOverlap')}</li>
        <li><span className="swatch" style={{ background: COLOURS.spill }} />{t('legendSpill')}</li>
      </ul>
      <p className="small">{t('chief')}: {CHIEF_PALETTE.slice(0, 6).map((c) => <span key={c} className="dot" style={{ background: c }} />)}</p>
    </div>
  )
}
