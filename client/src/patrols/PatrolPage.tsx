import { useCallback, useEffect, useRef, useState } from 'react'
import { describeError } from '../api/client.js'
import { useI18n } from '../i18n/i18n.js'
import { PHONE_HASH } from '../cases/route.js'
import { patrols, pendingQueue, type Credit, type Fix, type Live, type Patrol } from './patrols-api.js'
import '../cases/cases.css'

/** Positions are sent in batches: every few fixes, or at least this often while walking. */
const BATCH_FIXES = 3
const FLUSH_MS = 10_000

const minutes = (seconds: number) => Math.round(seconds / 6) / 10

/**
 * The patrol page on the phone (`/#/m/patrol`): start, the phone's positions sent in batches
 * (kept in localStorage and sent again when the network fails), the live distance and grids,
 * 「发现问题」 filing a case in one step, and stop with the summary per grid and street.
 */
export function PatrolPage() {
  const { t, language, setLanguage } = useI18n()
  const [patrol, setPatrol] = useState<Patrol | null>(null)
  const [live, setLive] = useState<Live | null>(null)
  const [pending, setPending] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [finding, setFinding] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const queue = useRef<Fix[]>([])
  const last = useRef<Fix | null>(null)
  const sending = useRef(false)

  const flush = useCallback(async (id: number) => {
    if (sending.current || queue.current.length === 0) return
    sending.current = true
    const batch = queue.current.slice(0, 200)
    try {
      const answer = await patrols.send(id, batch)
      queue.current = queue.current.slice(batch.length)
      setLive(answer.live)
      setError(null)
    } catch (e) {
      setError(describeError(e))
    } finally {
      pendingQueue.write(id, queue.current)
      setPending(queue.current.length)
      sending.current = false
    }
  }, [])

  // Resume a patrol still recording (the page was reloaded, the phone restarted).
  useEffect(() => {
    void patrols.recording().then(async ({ patrols: open }) => {
      if (!open[0]) return
      const resumed = await patrols.get(open[0].id)
      queue.current = pendingQueue.read(resumed.id)
      setPending(queue.current.length)
      setPatrol(resumed)
      setLive(resumed.live)
    }, (e: unknown) => setError(describeError(e)))
  }, [])

  const recordingId = patrol?.state === 'recording' ? patrol.id : null
  useEffect(() => {
    if (recordingId === null) return
    if (!('geolocation' in navigator)) {
      setError(t('patrolNoGeolocation'))
      return
    }
    const watch = navigator.geolocation.watchPosition(
      (position) => {
        const fix: Fix = {
          at: new Date(position.timestamp || Date.now()).toISOString(),
          lon: position.coords.longitude,
          lat: position.coords.latitude,
          accuracy_m: Math.min(position.coords.accuracy ?? 0, 100_000),
        }
        if (last.current && Date.parse(fix.at) <= Date.parse(last.current.at)) return
        last.current = fix
        queue.current = [...queue.current, fix]
        pendingQueue.write(recordingId, queue.current)
        setPending(queue.current.length)
        if (queue.current.length >= BATCH_FIXES) void flush(recordingId)
      },
      (failure) => setError(failure.code === failure.PERMISSION_DENIED ? t('patrolGeoDenied') : failure.message),
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 },
    )
    const timer = window.setInterval(() => void flush(recordingId), FLUSH_MS)
    return () => {
      navigator.geolocation.clearWatch(watch)
      window.clearInterval(timer)
    }
  }, [recordingId, flush, t])

  const run = async (step: () => Promise<void>) => {
    try {
      await step()
      setError(null)
    } catch (e) {
      setError(describeError(e))
    }
  }

  const start = () => run(async () => {
    const started = await patrols.start()
    queue.current = []
    last.current = null
    setPending(0)
    setLive(null)
    setNotice(null)
    setPatrol(started)
  })

  const stop = () => run(async () => {
    if (!patrol) return
    await flush(patrol.id)
    if (queue.current.length) throw new Error(t('patrolPending'))
    setPatrol(await patrols.stop(patrol.id))
  })

  const discard = () => run(async () => {
    if (!patrol) return
    pendingQueue.write(patrol.id, [])
    queue.current = []
    await patrols.discard(patrol.id)
    setPatrol(null)
    setLive(null)
  })

  return (
    <div className="phone-page" data-testid="patrol-page">
      <div className="phone-bar">
        <strong>{t('patrolTitle')}</strong>
        <span className="grow" />
        <a href={PHONE_HASH} data-testid="patrol-back">{t('patrolBack')}</a>
        <button data-testid="language" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>{t('language')}</button>
      </div>
      {error && <p className="error" data-testid="patrol-error">{error}</p>}
      {notice && <p className="muted" data-testid="patrol-notice">{notice}</p>}
      {(!patrol || patrol.state !== 'recording') && (
        <button className="primary" data-testid="patrol-start" onClick={() => void start()}>{patrol ? t('patrolAgain') : t('patrolStart')}</button>
      )}
      {patrol?.state === 'recording' && (
        <section data-testid="patrol-recording">
          <p><strong>{t('patrolRecording')}</strong></p>
          <p>
            {t('patrolDistance')}: <span data-testid="patrol-distance">{Math.round(live?.distance_m ?? 0)}</span> {t('patrolMetres')} ·{' '}
            {t('patrolTime')}: {minutes(live?.walking_s ?? 0)} {t('patrolMinutes')}
          </p>
          <p>{t('patrolGrids')}:</p>
          <ul data-testid="patrol-live-grids">
            {(live?.grids ?? []).length === 0 && <li className="muted">{t('patrolNoGrid')}</li>}
            {(live?.grids ?? []).map((g) => <li key={g.zone.id} data-testid={`patrol-live-grid-${g.zone.code}`}>{g.zone.name}</li>)}
          </ul>
          {pending > 0 && <p className="muted small" data-testid="patrol-pending">{t('patrolPending')}: {pending}</p>}
          <div className="row">
            <button data-testid="patrol-find" onClick={() => setFinding(true)}>{t('patrolFind')}</button>
            <button className="primary" data-testid="patrol-stop" onClick={() => void stop()}>{t('patrolStop')}</button>
          </div>
          <button className="small" data-testid="patrol-discard" onClick={() => void discard()}>{t('patrolDiscard')}</button>
          {finding && (
            <FindingForm
              patrolId={patrol.id}
              position={last.current}
              onDone={(number) => {
                setFinding(false)
                setNotice(`${t('patrolFindFiled')}${number}`)
              }}
              onCancel={() => setFinding(false)}
            />
          )}
        </section>
      )}
      {patrol?.state === 'done' && <Summary patrol={patrol} />}
    </div>
  )
}

function FindingForm({ patrolId, position, onDone, onCancel }: { patrolId: number; position: Fix | null; onDone(number: string): void; onCancel(): void }) {
  const { t } = useI18n()
  const [categories, setCategories] = useState<{ id: number; name: string }[]>([])
  const [category, setCategory] = useState<number | null>(null)
  const [note, setNote] = useState('')
  const [photo, setPhoto] = useState<File | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    void patrols.categories().then((list) => {
      setCategories(list)
      setCategory((current) => current ?? list[0]?.id ?? null)
    }, (e: unknown) => setError(describeError(e)))
  }, [])

  const submit = async () => {
    if (!position) {
      setError(t('patrolFindNoPosition'))
      return
    }
    if (category === null) return
    setBusy(true)
    try {
      const created = await patrols.finding(patrolId, {
        category_id: category,
        description: note.trim() || t('patrolFind'),
        location: { lon: position.lon, lat: position.lat },
        ...(position.accuracy_m !== undefined ? { accuracy_m: position.accuracy_m } : {}),
      })
      if (photo) await patrols.photo(created.id, photo)
      onDone(created.number)
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="case-form" data-testid="patrol-finding-form">
      <label>
        {t('patrolFindCategory')}
        <select data-testid="patrol-finding-category" value={category ?? ''} onChange={(e) => setCategory(Number(e.target.value))}>
          {categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      <label>
        {t('patrolFindNote')}
        <textarea data-testid="patrol-finding-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <label>
        {t('patrolFindPhoto')}
        <input type="file" accept="image/jpeg,image/png,image/webp" capture="environment" data-testid="patrol-finding-photo" onChange={(e) => setPhoto(e.target.files?.[0] ?? null)} />
      </label>
      {error && <p className="error" data-testid="patrol-finding-error">{error}</p>}
      <div className="row">
        <button onClick={onCancel}>{t('cancel')}</button>
        <button className="primary" disabled={busy} data-testid="patrol-finding-submit" onClick={() => void submit()}>{t('patrolFindSubmit')}</button>
      </div>
    </div>
  )
}

function CreditList({ credits, testid }: { credits: Credit[]; testid: string }) {
  const { t } = useI18n()
  return (
    <ul data-testid={testid}>
      {credits.map((c) => (
        <li key={c.zone.id} data-testid={`patrol-summary-${c.zone.code}`}>
          {c.zone.name} — {Math.round(c.metres)} {t('patrolMetres')}, {minutes(c.seconds)} {t('patrolMinutes')}
        </li>
      ))}
    </ul>
  )
}

function Summary({ patrol }: { patrol: Patrol }) {
  const { t } = useI18n()
  const grids = patrol.credits.filter((c) => c.zone.kind === 'grid')
  const streets = patrol.credits.filter((c) => c.zone.kind === 'street' || c.zone.kind === 'segment')
  return (
    <section data-testid="patrol-summary">
      <h3>{t('patrolSummary')}</h3>
      <p>
        {t('patrolDistance')}: <span data-testid="patrol-summary-distance">{Math.round(patrol.distance_m ?? 0)}</span> {t('patrolMetres')} ·{' '}
        {t('patrolTime')}: {minutes(patrol.walking_s ?? 0)} {t('patrolMinutes')}
      </p>
      <h4>{t('patrolSummaryGrids')}</h4>
      <CreditList credits={grids} testid="patrol-summary-grids" />
      <h4>{t('patrolSummaryStreets')}</h4>
      <CreditList credits={streets} testid="patrol-summary-streets" />
      {patrol.findings.length > 0 && (
        <>
          <h4>{t('patrolSummaryFindings')}</h4>
          <ul data-testid="patrol-summary-findings">{patrol.findings.map((f) => <li key={f.id}>{f.number}</li>)}</ul>
        </>
      )}
    </section>
  )
}
