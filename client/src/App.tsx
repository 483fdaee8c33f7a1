import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Feature, Position } from 'geojson'
import { api, describeError } from './api/client.js'
import type { CoverageReport, Crs, Jurisdiction, ResolveResult, ZoneFeature } from './api/types.js'
import { applyTransaction, History, type Applied, type Transaction } from './edits/transaction.js'
import { I18nContext, useLanguage } from './i18n/i18n.js'
import { MapController } from './map/MapController.js'
import { basemapFromUrl } from './map/style.js'
import { collection, emptyDraft, MODES, type Mode, type ModeContext } from './modes/modes.js'
import { useShortcuts } from './modes/use-shortcuts.js'
import { Toolbar } from './components/Toolbar.js'
import { Legend } from './components/Legend.js'
import { DispatcherBar } from './components/DispatcherBar.js'
import { OwnerCard } from './components/OwnerCard.js'
import { CoveragePanel } from './components/CoveragePanel.js'
import { ZonePanel } from './components/ZonePanel.js'
import { Directory } from './components/Directory.js'
import { GeneratePanel } from './components/GeneratePanel.js'
import { ConflictDialog, conflictOf, type Conflict } from './components/ConflictDialog.js'
import { ImportDialog } from './components/ImportDialog.js'
import { AuditToast, holdAudits } from './components/AuditToast.js'
import { ShopForm, type ShopAnswer } from './components/ShopForm.js'
import { ShopListDialog } from './components/ShopListDialog.js'

export function App() {
  const i18n = useLanguage()
  const { t } = i18n

  const mapContainer = useRef<HTMLDivElement>(null)
  const [controller, setController] = useState<MapController | null>(null)
  const [zones, setZones] = useState<ZoneFeature[]>([])
  const zonesRef = useRef<ZoneFeature[]>([])
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([])
  const [jurisdictionCode, setJurisdictionCode] = useState<string | null>(null)
  const [coverage, setCoverage] = useState<CoverageReport | null>(null)
  const [coverageError, setCoverageError] = useState<string | null>(null)
  const [mode, setModeState] = useState<Mode>('inspect')
  const modeRef = useRef<Mode>('inspect')
  const draft = useRef(emptyDraft())
  const [selectedId, setSelectedId] = useState<number | null>(null)
  const [owner, setOwner] = useState<ResolveResult | null>(null)
  const [ownerError, setOwnerError] = useState<string | null>(null)
  const [category, setCategory] = useState('')
  const [message, setMessage] = useState<{ text: string; tone: 'info' | 'error' } | null>(null)
  const [measurement, setMeasurement] = useState<string | null>(null)
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [droppedFile, setDroppedFile] = useState<File | null>(null)
  const [shopListFile, setShopListFile] = useState<File | null>(null)
  const [shopRequest, setShopRequest] = useState<{ resolve(answer: ShopAnswer | null): void } | null>(null)
  const [sidePanel, setSidePanel] = useState<'zone' | 'directory'>('zone')
  const history = useRef(new History())
  const [historyTick, setHistoryTick] = useState(0)

  const notify = useCallback((text: string, tone: 'info' | 'error' = 'info') => setMessage({ text, tone }), [])

  // The map is made once; React only hands it data from here on.
  useEffect(() => {
    const map = new MapController(mapContainer.current!, { basemapTiles: basemapFromUrl(window.location.search) })
    window.jiezhang = { map: map.map, controller: map, ready: false, edits: 0, timings: { created: performance.now() } }
    map.ready.then(() => (window.jiezhang.timings.mapLoaded = performance.now()))
    setController(map)
    return () => map.destroy()
  }, [])

  const loadZones = useCallback(async () => {
    const collectionOfZones = await api.listZones({ limit: 10000 })
    const features = collectionOfZones.features as ZoneFeature[]
    zonesRef.current = features
    setZones(features)
    return features
  }, [])

  const loadCoverage = useCallback(async (code: string | null) => {
    if (!code) return
    try {
      setCoverage(await api.coverage(code))
      setCoverageError(null)
    } catch (error) {
      setCoverage(null)
      setCoverageError(error instanceof Error ? error.message : String(error))
    }
  }, [])

  useEffect(() => {
    if (!controller) return
    let cancelled = false
    void (async () => {
      try {
        // Zones are drawn as soon as they arrive; the jurisdiction list only picks the first view.
        const jurisdictionsLoading = api.jurisdictions().catch(() => [] as Jurisdiction[])
        const features = await loadZones()
        const list = await jurisdictionsLoading
        if (cancelled) return
        window.jiezhang.timings.zonesLoaded = performance.now()
        const jurisdictionList = list.length ? list : features
          .filter((z) => ['district', 'subdistrict', 'community'].includes(z.properties.kind))
          .map((z) => ({ id: z.id, kind: z.properties.kind, code: z.properties.code, name: z.properties.name, parent_code: z.properties.parent_code }))
        setJurisdictions(jurisdictionList)
        const first = jurisdictionList.find((j) => j.kind === 'subdistrict') ?? jurisdictionList[0]
        if (first) setJurisdictionCode(first.code)
        await controller.ready
        const focus = features.find((z) => z.id === first?.id) ?? null
        if (focus) controller.fitTo(focus.geometry, { animate: false })
        else if (features.length) controller.fitTo(collection(features), { animate: false })
        controller.map.once('idle', () => {
          window.jiezhang.timings.idle = performance.now()
          window.jiezhang.ready = true
        })
      } catch (error) {
        notify(`${t('loadFailed')}: ${error instanceof Error ? error.message : String(error)}`, 'error')
      }
    })()
    return () => {
      cancelled = true
    }
    // Loads once per map; language changes must not reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, loadZones])

  useEffect(() => {
    controller?.setZones(zones)
  }, [controller, zones])

  useEffect(() => {
    void loadCoverage(jurisdictionCode)
  }, [jurisdictionCode, loadCoverage])

  useEffect(() => {
    controller?.setCoverage(coverage)
  }, [controller, coverage])

  useEffect(() => {
    if (!controller) return
    const chain = owner?.chain.map((link) => link.zone.id) ?? []
    controller.setHighlight(chain, selectedId === null ? [] : [selectedId])
  }, [controller, owner, selectedId])

  /** Applies one transaction; a version conflict opens the dialog and nothing is lost. */
  const runTransaction = useCallback(async (transaction: Transaction): Promise<Applied> => {
    const before = async (id: number) => zonesRef.current.find((z) => z.id === id) ?? (await api.getZone(id))
    // The audit toast reports the edit as a whole, not each of its writes.
    const releaseAudits = holdAudits()
    let applied: Applied
    try {
      applied = await applyTransaction(api, transaction, before)
    } finally {
      releaseAudits()
    }
    await loadZones()
    setHistoryTick((n) => n + 1)
    window.jiezhang.edits++
    return applied
  }, [loadZones])

  // The owner card answers for the last point asked about; after an edit it is asked again.
  const lastInspected = useRef<{ position: Position; crs: Crs } | null>(null)
  const refreshOwner = useCallback(async () => {
    const last = lastInspected.current
    if (!last) return
    try {
      setOwner(await api.resolve({ lon: last.position[0]!, lat: last.position[1]!, crs: last.crs, category: category || undefined }))
    } catch {
      // The card keeps its last answer; the next click asks afresh.
    }
  }, [category])

  const afterEdit = useCallback(() => {
    void loadCoverage(jurisdictionCode)
    void refreshOwner()
  }, [jurisdictionCode, loadCoverage, refreshOwner])

  const commit = useCallback(async (transaction: Transaction): Promise<Applied | null> => {
    notify(t('saving'))
    try {
      const applied = await runTransaction(transaction)
      history.current.record(applied.inverse)
      notify(`${t('saved')}: ${transaction.note}`)
      afterEdit()
      return applied
    } catch (error) {
      const found = conflictOf(error, transaction, {
        keepMine: async (retried) => {
          setConflict(null)
          await commit(retried)
        },
        keepTheirs: async () => {
          setConflict(null)
          await loadZones()
          notify(t('discard'))
        },
      })
      if (found) {
        notify(t('conflictTitle'), 'error')
        setConflict(found)
        return null
      }
      notify(describeError(error), 'error')
      await loadZones().catch(() => [])
      return null
    }
  }, [afterEdit, loadZones, notify, runTransaction, t])

  const step = useCallback(async (direction: 'undo' | 'redo') => {
    try {
      await history.current[direction](async (tx) => (await runTransaction(tx)).inverse)
      afterEdit()
    } catch (error) {
      notify(describeError(error), 'error')
    }
    setHistoryTick((n) => n + 1)
  }, [afterEdit, notify, runTransaction])
  const undo = useCallback(() => step('undo'), [step])
  const redo = useCallback(() => step('redo'), [step])

  const inspect = useCallback(async (position: Position, crs: Crs = 'wgs84', zoneIds: number[] = []) => {
    if (!controller) return
    setOwnerError(null)
    lastInspected.current = { position, crs }
    try {
      const result = await api.resolve({ lon: position[0]!, lat: position[1]!, crs, category: category || undefined })
      setOwner(result)
      controller.setMarker([result.point.lon, result.point.lat])
      const primaryId = result.primary?.zone.id ?? zoneIds[0] ?? null
      setSelectedId(primaryId)
    } catch (error) {
      setOwner(null)
      setOwnerError(describeError(error))
      controller.setMarker(crs === 'wgs84' ? position : null)
      setSelectedId(zoneIds[0] ?? null)
    }
  }, [category, controller])

  const setMode = useCallback((next: Mode) => {
    draft.current = emptyDraft()
    controller?.setDraft(null)
    controller?.setDragPan(true)
    setMeasurement(null)
    if (next !== 'generate-grids') controller?.setProposal(null)
    modeRef.current = next
    setModeState(next)
    controller?.setCursor(MODES[next].cursor)
  }, [controller])

  const context = useMemo<ModeContext | null>(() => controller && {
    controller,
    zones: () => zonesRef.current,
    get draft() {
      return draft.current
    },
    redraw: (features: Feature[]) => controller.setDraft(collection(features)),
    inspect: (position, zoneIds) => void inspect(position, 'wgs84', zoneIds),
    select: (id) => {
      setSelectedId(id)
      setSidePanel('zone')
    },
    commit,
    notify,
    setMeasurement,
    askShop: () => new Promise<ShopAnswer | null>((resolve) => setShopRequest({ resolve })),
    t,
  }, [controller, commit, inspect, notify, t])

  // Pointer events go to the current mode's handlers.
  useEffect(() => {
    if (!controller || !context) return
    controller.setListener({
      click: (e) => MODES[modeRef.current].click?.(context, e),
      dblclick: (e) => MODES[modeRef.current].dblclick?.(context, e),
      mousemove: (e) => MODES[modeRef.current].mousemove?.(context, e),
      mousedown: (e) => MODES[modeRef.current].mousedown?.(context, e) ?? false,
      mouseup: (e) => MODES[modeRef.current].mouseup?.(context, e),
    })
  }, [controller, context])

  useShortcuts({ context, mode: modeRef, setMode, undo, redo })

  const selected = zones.find((z) => z.id === selectedId) ?? null
  /** Selects a zone in the side panel, and zooms to it when asked. */
  const focusZone = (zone: ZoneFeature | undefined, zoom = true) => {
    if (!zone) return
    setSelectedId(zone.id)
    setSidePanel('zone')
    if (zoom) controller?.fitTo(zone.geometry)
  }

  return (
    <I18nContext.Provider value={i18n}>
      <div
        className="app"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault()
          const file = e.dataTransfer.files[0]
          if (file) setDroppedFile(file)
        }}
      >
        <div className="map" data-testid="map" ref={mapContainer} />
        <Toolbar
          mode={mode}
          onMode={setMode}
          canUndo={history.current.canUndo}
          canRedo={history.current.canRedo}
          historyNotes={history.current.notes}
          historyTick={historyTick}
          onUndo={() => void undo()}
          onRedo={() => void redo()}
          jurisdictionCode={jurisdictionCode}
          onOpenFile={setDroppedFile}
          onOpenShopList={setShopListFile}
        />
        <div className="left-column">
          <DispatcherBar
            category={category}
            onCategory={setCategory}
            onLocate={(position, crs) => void inspect(position, crs)}
            onPickZone={(zone) => focusZone(zone)}
            onError={(text) => notify(text, 'error')}
          />
          {(owner || ownerError) && (
            <OwnerCard
              result={owner}
              error={ownerError}
              onClose={() => {
                lastInspected.current = null
                setOwner(null)
                setOwnerError(null)
                controller?.setMarker(null)
              }}
              onZone={(id) => focusZone(zones.find((z) => z.id === id), false)}
            />
          )}
          <Legend />
        </div>
        <div className="right-column">
          <CoveragePanel
            jurisdictions={jurisdictions}
            code={jurisdictionCode}
            onCode={setJurisdictionCode}
            report={coverage}
            error={coverageError}
            onZoom={(geometry) => controller?.fitTo(geometry)}
            onZone={(code) => focusZone(zones.find((z) => z.properties.code === code))}
          />
          {shopListFile && (
            <ShopListDialog
              key={`${shopListFile.name}:${shopListFile.lastModified}`}
              file={shopListFile}
              controller={controller}
              zones={zones}
              onClose={() => setShopListFile(null)}
              onImported={async (codes, note) => {
                // One import is one step of the history: undo deletes what it made.
                const features = await loadZones()
                const made = new Set(codes)
                const created = features.filter((z) => z.properties.kind === 'frontage' && made.has(z.properties.code))
                history.current.record({ note, put: [], delete: created.map((z) => ({ id: z.id, version: z.properties.version })) })
                setHistoryTick((n) => n + 1)
                window.jiezhang.edits++
                notify(`${t('shopImported')}: ${created.length}`)
                afterEdit()
              }}
            />
          )}
          {mode === 'generate-grids' && controller && (
            <GeneratePanel controller={controller} zones={zones} jurisdictionCode={jurisdictionCode} commit={commit} />
          )}
          <div className="tabs">
            <button className={sidePanel === 'zone' ? 'active' : ''} onClick={() => setSidePanel('zone')}>{t('zonePanel')}</button>
            <button className={sidePanel === 'directory' ? 'active' : ''} onClick={() => setSidePanel('directory')}>{t('directory')}</button>
          </div>
          {sidePanel === 'zone' && selected && (
            <ZonePanel
              key={selected.id}
              zone={selected}
              zones={zones}
              commit={commit}
              onChanged={async () => {
                await loadZones()
                afterEdit()
              }}
              onClose={() => setSelectedId(null)}
            />
          )}
          {sidePanel === 'directory' && (
            <Directory onZone={(id) => focusZone(zones.find((z) => z.id === id))} />
          )}
        </div>
        {(message || measurement) && (
          <div className={`status ${message?.tone ?? 'info'}`} data-testid="status">
            {measurement && <span data-testid="measurement">{measurement}</span>}
            {message && <span>{message.text}</span>}
          </div>
        )}
        <div className="hint">{t(`hint.${mode}`)}</div>
        <AuditToast />
        {conflict && <ConflictDialog conflict={conflict} />}
        {shopRequest && (
          <ShopForm
            onSubmit={(answer) => {
              setShopRequest(null)
              shopRequest.resolve(answer)
            }}
            onCancel={() => {
              setShopRequest(null)
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
              setDroppedFile(null)
              controller?.setProposal(null)
            }}
            onImported={async () => {
              await loadZones()
              afterEdit()
            }}
          />
        )}
      </div>
    </I18nContext.Provider>
  )
}
