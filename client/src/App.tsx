import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ZoneFeature } from './api/types.js'
import { createStore, initialState, StoreContext, useStoreField } from './app/store.js'
import { useMap } from './app/use-map.js'
import { useModes } from './app/use-modes.js'
import { useZoneData } from './app/use-zone-data.js'
import { useDispatcher } from './dispatch/use-dispatcher.js'
import { useTransactions } from './edits/use-transactions.js'
import { I18nContext, useI18n } from './i18n/i18n.js'
import { useSession } from './session/session.js'
import { UserMenu } from './session/UserMenu.js'
import { TrustViews, useTrustViews } from './session/TrustViews.js'
import { Toolbar } from './components/Toolbar.js'
import { Legend } from './components/Legend.js'
import { DispatcherBar } from './components/DispatcherBar.js'
import { OwnerCard } from './components/OwnerCard.js'
import { CoveragePanel } from './components/CoveragePanel.js'
import { ZonePanel } from './components/ZonePanel.js'
import { Directory } from './components/Directory.js'
import { GeneratePanel } from './components/GeneratePanel.js'
import { ConflictDialog } from './components/ConflictDialog.js'
import { ImportDialog } from './components/ImportDialog.js'
import { AuditToast } from './components/AuditToast.js'
import { ShopForm } from './components/ShopForm.js'
import { ShopListDialog } from './components/ShopListDialog.js'
import { CaseDesk } from './cases/CaseDesk.js'
import { RankingPanel } from './assessment/RankingPanel.js'
import { linkedCaseId } from './cases/route.js'

/**
 * The page: the store (app/store.ts) holds the state, the hooks do the work — the map
 * (app/use-map.ts), loading (app/use-zone-data.ts), the dispatcher's look-ups
 * (dispatch/use-dispatcher.ts), every write as a transaction with undo (edits/use-transactions.ts)
 * and the editing modes (app/use-modes.ts) — and this component lays the panels out.
 */
export function App() {
  // The language belongs to the page (session/Root.tsx), so the sign-in page and the map share it.
  const i18n = useI18n()
  const { t } = i18n
  const { can } = useSession()
  const trustViews = useTrustViews()
  const store = useMemo(() => createStore(initialState()), [])
  // A notification's link (/?case=<id>) opens the desk on that case.
  const [linkedCase] = useState(() => (can('cases.read') ? linkedCaseId() : null))
  const [casesOpen, setCasesOpen] = useState(linkedCase !== null)
  const [rankingOpen, setRankingOpen] = useState(false)
  const mapContainer = useRef<HTMLDivElement>(null)

  const notify = useCallback((text: string, tone: 'info' | 'error' = 'info') => store.set({ message: { text, tone } }), [store])
  const controller = useMap(mapContainer, store)
  const { loadZones, loadCoverage } = useZoneData(store, controller, t, notify)
  const dispatcher = useDispatcher(store, controller)
  const afterEdit = useCallback(() => {
    void loadCoverage(store.get().jurisdictionCode)
    void dispatcher.refreshOwner()
  }, [dispatcher, loadCoverage, store])
  const transactions = useTransactions({ store, t, notify, loadZones, afterEdit })
  const { setMode } = useModes({ store, controller, transactions, dispatcher, notify, t, can })

  const zones = useStoreField(store, 'zones')
  const jurisdictionCode = useStoreField(store, 'jurisdictionCode')
  const mode = useStoreField(store, 'mode')
  const selectedId = useStoreField(store, 'selectedId')
  const sidePanel = useStoreField(store, 'sidePanel')
  const owner = useStoreField(store, 'owner')
  const ownerError = useStoreField(store, 'ownerError')
  const message = useStoreField(store, 'message')
  const measurement = useStoreField(store, 'measurement')
  const conflict = useStoreField(store, 'conflict')
  const droppedFile = useStoreField(store, 'droppedFile')
  const shopListFile = useStoreField(store, 'shopListFile')
  const shopRequest = useStoreField(store, 'shopRequest')
  const historyTick = useStoreField(store, 'historyTick')
  const coverage = useStoreField(store, 'coverage')
  const coverageError = useStoreField(store, 'coverageError')
  const jurisdictions = useStoreField(store, 'jurisdictions')
  const zonesLeftOut = useStoreField(store, 'zonesLeftOut')
  const category = useStoreField(store, 'category')

  // The audit follows the chosen jurisdiction.
  useEffect(() => void loadCoverage(jurisdictionCode), [jurisdictionCode, loadCoverage])

  const selected = zones.find((z) => z.id === selectedId) ?? null
  /** Selects a zone in the side panel, and zooms to it when asked. */
  const focusZone = (zone: ZoneFeature | undefined, zoom = true) => {
    if (!zone) return
    store.set({ selectedId: zone.id, sidePanel: 'zone' })
    if (zoom) controller?.fitTo(zone.geometry)
  }
  const { history } = transactions

  return (
    <StoreContext.Provider value={store}>
      <I18nContext.Provider value={i18n}>
        <div
          className="app"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault()
            const file = e.dataTransfer.files[0]
            if (file && can('zones.edit') && can('transfer.import')) store.set({ droppedFile: file })
          }}
        >
          <div className="map" data-testid="map" ref={mapContainer} />
          <Toolbar
            mode={mode}
            onMode={setMode}
            canUndo={history.canUndo}
            canRedo={history.canRedo}
            historyNotes={history.notes}
            historyTick={historyTick}
            onUndo={() => void transactions.undo()}
            onRedo={() => void transactions.redo()}
            jurisdictionCode={jurisdictionCode}
            onOpenFile={(file) => store.set({ droppedFile: file })}
            onOpenShopList={(file) => store.set({ shopListFile: file })}
            userMenu={<UserMenu views={trustViews.entries} />}
            casesOpen={casesOpen}
            onCases={() => setCasesOpen(!casesOpen)}
            rankingOpen={rankingOpen && !casesOpen}
            onRanking={() => {
              setRankingOpen(!rankingOpen || casesOpen)
              setCasesOpen(false)
            }}
          />
          {casesOpen && <CaseDesk controller={controller} initialCase={linkedCase} onClose={() => setCasesOpen(false)} />}
          {rankingOpen && !casesOpen && <RankingPanel controller={controller} onClose={() => setRankingOpen(false)} />}
          <div className="left-column">
            {can('resolve') && <DispatcherBar
              category={category}
              onCategory={(next) => store.set({ category: next })}
              onLocate={(position, crs) => void dispatcher.inspect(position, crs)}
              onPickZone={(zone) => focusZone(zone)}
              onError={(text) => notify(text, 'error')}
            />}
            {(owner || ownerError) && (
              <OwnerCard result={owner} error={ownerError} onClose={dispatcher.closeOwner} onZone={(id) => focusZone(zones.find((z) => z.id === id), false)} />
            )}
            <Legend />
          </div>
          <div className="right-column">
            <CoveragePanel
              jurisdictions={jurisdictions}
              code={jurisdictionCode}
              onCode={(code) => store.set({ jurisdictionCode: code })}
              report={coverage}
              error={coverageError}
              onZoom={(geometry) => controller?.fitTo(geometry)}
              onZone={(code) => focusZone(zones.find((z) => z.properties.code === code))}
              zonesLeftOut={zonesLeftOut}
            />
            {shopListFile && (
              <ShopListDialog
                key={`${shopListFile.name}:${shopListFile.lastModified}`}
                file={shopListFile}
                controller={controller}
                zones={zones}
                onClose={() => store.set({ shopListFile: null })}
                apply={transactions.apply}
                onImported={(count) => notify(`${t('shopImported')}: ${count}`)}
              />
            )}
            {mode === 'generate-grids' && controller && (
              <GeneratePanel controller={controller} zones={zones} jurisdictionCode={jurisdictionCode} commit={transactions.commit} />
            )}
            <div className="tabs">
              <button className={sidePanel === 'zone' ? 'active' : ''} onClick={() => store.set({ sidePanel: 'zone' })}>{t('zonePanel')}</button>
              <button className={sidePanel === 'directory' ? 'active' : ''} onClick={() => store.set({ sidePanel: 'directory' })}>{t('directory')}</button>
            </div>
            {sidePanel === 'zone' && selected && (
              <ZonePanel
                key={selected.id}
                zone={selected}
                zones={zones}
                commit={transactions.commit}
                apply={transactions.apply}
                onClose={() => store.set({ selectedId: null })}
              />
            )}
            {sidePanel === 'directory' && <Directory onZone={(id) => focusZone(zones.find((z) => z.id === id))} />}
          </div>
          {(message || measurement) && (
            <div className={`status ${message?.tone ?? 'info'}`} data-testid="status">
              {measurement && <span data-testid="measurement">{measurement}</span>}
              {message && <span>{message.text}</span>}
            </div>
          )}
          <div className="hint">{t(`hint.${mode}`)}</div>
          <AuditToast />
          <TrustViews views={trustViews} />
          {conflict && <ConflictDialog conflict={conflict} />}
          {shopRequest && (
            <ShopForm
              onSubmit={(answer) => {
                store.set({ shopRequest: null })
                shopRequest.resolve(answer)
              }}
              onCancel={() => {
                store.set({ shopRequest: null })
                shopRequest.resolve(null)
              }}
            />
          )}
          {droppedFile && (
            <ImportDialog
              file={droppedFile}
              controller={controller}
              parentCode={jurisdictionCode}
              onClose={() => {
                store.set({ droppedFile: null })
                controller?.setProposal(null)
              }}
              apply={transactions.apply}
            />
          )}
        </div>
      </I18nContext.Provider>
    </StoreContext.Provider>
  )
}
