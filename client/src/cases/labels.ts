import type { MessageKey, Translate } from '../i18n/i18n.js'

/** A label of a family (`caseState.filed`, `caseAction.dispatch`…); an unknown value shows as itself. */
export function label(t: Translate, family: string, value: string): string {
  const key = `${family}.${value}`
  const text = t(key as MessageKey)
  return text === key ? value : text
}

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
})

/** An instant as the office reads it: Beijing time, e.g. 2026/12/02 14:30. */
export function officeTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : shanghai.format(date)
}

/** A duration of working time as hours and minutes: 3 h 05 min / 3小时05分. */
export function durationText(ms: number, language: 'zh' | 'en'): string {
  const minutes = Math.round(Math.abs(ms) / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return language === 'zh' ? `${h}小时${String(m).padStart(2, '0')}分` : `${h} h ${String(m).padStart(2, '0')} min`
}
