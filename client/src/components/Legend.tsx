import { useI18n } from '../i18n/i18n.js'
import { CHIEF_PALETTE, COLOURS } from '../map/style.js'

export function Legend() {
  const { t } = useI18n()
  return (
    <div className="panel legend" data-testid="legend">
      <h3>{t('legend')}</h3>
      <ul>
        <li><span className="swatch line dashed" style={{ borderColor: COLOURS.jurisdiction }} />{t('kind.subdistrict')} / {t('kind.community')}</li>
        <li><span className="swatch" style={{ background: `${CHIEF_PALETTE[0]}33`, border: `1px solid ${CHIEF_PALETTE[0]}` }} />{t('kind.grid')}</li>
        <li><span className="swatch line thin" style={{ borderColor: CHIEF_PALETTE[1] }} />{t('kind.street')}</li>
        <li><span className="swatch line thick" style={{ borderColor: CHIEF_PALETTE[2] }} />{t('kind.segment')}</li>
        <li><span className="swatch" style={{ background: `${CHIEF_PALETTE[3]}99` }} />{t('kind.frontage')}</li>
        <li><span className="swatch hatch" />{t('legendNoChief')}</li>
        <li><span className="swatch" style={{ background: COLOURS.gap }} />{t('legendGap')}</li>
        <li><span className="swatch" style={{ background: COLOURS.overlap }} />{t('legendOverlap')}</li>
        <li><span className="swatch" style={{ background: COLOURS.spill }} />{t('legendSpill')}</li>
      </ul>
      <p className="small">{t('chief')}: {CHIEF_PALETTE.slice(0, 6).map((c) => <span key={c} className="dot" style={{ background: c }} />)}</p>
    </div>
  )
}
