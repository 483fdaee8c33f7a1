import { useEffect, useRef, type ReactNode } from 'react'
import { api } from '../api/client.js'
import { useI18n } from '../i18n/i18n.js'
import { MODE_ORDER, MODE_SHORTCUTS, modeAllowed, type Mode } from '../modes/modes.js'
import { useSession } from '../session/session.js'
import { ChangeComment } from './ChangeComment.js'

interface Props {
  mode: Mode
  onMode(mode: Mode): void
  canUndo: boolean
  canRedo: boolean
  historyNotes: string[]
  historyTick: number
  onUndo(): void
  onRedo(): void
  jurisdictionCode: string | null
  onOpenFile(file: File): void
  onOpenShopList(file: File): void
  /** The user menu, at the toolbar's end. */
  userMenu: ReactNode
  /** The case desk (issue 10): its 案件 button, for those with cases.read. */
  casesOpen?: boolean
  onCases?(): void
  /** The ranking page 考核排行 (issue 11): its button, for those with assessment.read. */
  rankingOpen?: boolean
  onRanking?(): void
}

export function Toolbar(props: Props) {
  const { t, language, setLanguage } = useI18n()
  // The tools follow the permissions (server/kernel/permissions.ts); the server decides each write in its scope.
  const { can } = useSession()
  const edits = can('zones.edit') || can('assignments.edit') || can('categories.edit')
  const fileInput = useRef<HTMLInputElement>(null)
  const bar = useRef<HTMLDivElement>(null)
  // With many tools (a planner's) the toolbar wraps; the side columns start below it, whatever its height.
  useEffect(() => {
    const element = bar.current
    if (!element) return
    const observer = new ResizeObserver(() => {
      document.documentElement.style.setProperty('--toolbar-bottom', `${Math.round(element.getBoundingClientRect().bottom + 8)}px`)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  const shopInput = useRef<HTMLInputElement>(null)
  const exportGeoJson = async () => {
    const collection = await api.exportCollection(props.jurisdictionCode ?? undefined)
    const blob = new Blob([JSON.stringify(collection, null, 1)], { type: 'application/geo+json' })
    const link = document.createElement('a')
    link.href = URL.createObjectURL(blob)
    link.download = `${props.jurisdictionCode ?? 'jiezhang'}.geojson`
    link.click()
    // Revoking at once can cancel the download before the browser has read the blob.
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000)
  }
  return (
    <div className="toolbar" data-testid="toolbar" ref={bar}>
      <strong className="brand">{t('appTitle')}</strong>
      {MODE_ORDER.filter((mode) => modeAllowed(mode, can)).map((mode) => (
        <button
          key={mode}
          data-testid={`mode-${mode}`}
          className={props.mode === mode ? 'active' : ''}
          title={`${t(`mode.${mode}`)} (${MODE_SHORTCUTS[mode].toUpperCase()})`}
          onClick={() => props.onMode(mode)}
        >
          {t(`mode.${mode}`)}
          <kbd>{MODE_SHORTCUTS[mode].toUpperCase()}</kbd>
        </button>
      ))}
      {props.onCases && can('cases.read') && (
        <button data-testid="cases-tool" className={props.casesOpen ? 'active' : ''} onClick={props.onCases}>{t('casesTool')}</button>
      )}
      {props.onRanking && can('assessment.read') && (
        <button data-testid="ranking-tool" className={props.rankingOpen ? 'active' : ''} onClick={props.onRanking}>{t('assessmentTool')}</button>
      )}
      {!edits && <span className="chip muted" data-testid="read-only">{t('readOnly')}</span>}
      {edits && <>
        <span className="separator" />
        <button data-testid="undo" disabled={!props.canUndo} title={`${t('undo')} (Ctrl+Z) ${props.historyNotes.at(-1) ?? ''}`} onClick={props.onUndo}>↶ {t('undo')}</button>
        <button data-testid="redo" disabled={!props.canRedo} title={`${t('redo')} (Ctrl+Shift+Z)`} onClick={props.onRedo}>↷ {t('redo')}</button>
      </>}
      {can('zones.edit') && can('transfer.import') && <>
        <span className="separator" />
        <button data-testid="import" onClick={() => fileInput.current?.click()} title={t('importDrop')}>{t('importTitle')}</button>
        <input
          ref={fileInput}
          type="file"
          accept=".geojson,.json,.zip"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (file) props.onOpenFile(file)
            e.target.value = ''
          }}
        />
        <button data-testid="import-shops" onClick={() => shopInput.current?.click()} title={t('shopListHint')}>{t('shopList')}</button>
        <input
          ref={shopInput}
          data-testid="import-shops-file"
          type="file"
          accept=".csv,.txt,.geojson,.json"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (file) props.onOpenShopList(file)
            e.target.value = ''
          }}
        />
      </>}
      {can('transfer.export') && <button data-testid="export" onClick={() => void exportGeoJson()}>{t('exportGeoJson')}</button>}
      {edits && <ChangeComment />}
      <button data-testid="language" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>{t('language')}</button>
      {props.userMenu}
    </div>
  )
}
