import { useState } from 'react'
import { useI18n } from '../i18n/i18n.js'
import { DEFAULT_SHOP_WIDTH_M, MAX_SHOP_WIDTH_M, MIN_SHOP_WIDTH_M } from './parse-shop-list.js'

export interface ShopAnswer {
  name: string
  phone: string
  widthM: number
}

/** Asked when the planner clicks a shop's door: who the shop is and how wide its front is. */
export function ShopForm({ onSubmit, onCancel }: { onSubmit(answer: ShopAnswer): void; onCancel(): void }) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [phone, setPhone] = useState('')
  const [width, setWidth] = useState(String(DEFAULT_SHOP_WIDTH_M))
  const widthM = Number(width)
  const widthOk = width.trim() !== '' && Number.isFinite(widthM) && widthM >= MIN_SHOP_WIDTH_M && widthM <= MAX_SHOP_WIDTH_M
  const ready = name.trim() !== '' && widthOk
  return (
    <div className="modal fixed" onKeyDown={(e) => e.stopPropagation()}>
      <form
        className="panel"
        data-testid="shop-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (ready) onSubmit({ name: name.trim(), phone: phone.trim(), widthM })
        }}
      >
        <h3>{t('shopFormTitle')}</h3>
        <p className="muted small">{t('shopFormHint')}</p>
        <label className="row">{t('merchantName')}<input data-testid="shop-name" autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={200} /></label>
        <label className="row">{t('phone')}<input data-testid="shop-phone" value={phone} onChange={(e) => setPhone(e.target.value)} maxLength={40} /></label>
        <label className="row">
          {t('frontageWidth')}
          <input data-testid="shop-width" type="number" min={MIN_SHOP_WIDTH_M} max={MAX_SHOP_WIDTH_M} step={0.5} value={width} onChange={(e) => setWidth(e.target.value)} />
        </label>
        {!widthOk && <p className="error small">{t('shopWidthRange')}</p>}
        <div className="row">
          <button data-testid="shop-submit" type="submit" className="primary" disabled={!ready}>{t('generate')}</button>
          <button type="button" onClick={onCancel}>{t('cancel')}</button>
        </div>
      </form>
    </div>
  )
}
