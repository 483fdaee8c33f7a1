import { useEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { api, describeError } from '../api/client.js'
import type { Jurisdiction, SignboardJob } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'

const POLL_MS = 1000

/**
 * Signboards for every street or grid of the current jurisdiction: the server renders them as a
 * job; the dialog polls its progress once a second and then links the file.
 */
export function BatchSignboards({ jurisdiction }: { jurisdiction: Jurisdiction | null }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const [kind, setKind] = useState<'street' | 'grid'>('street')
  const [format, setFormat] = useState<'pdf' | 'zip'>('pdf')
  const [job, setJob] = useState<SignboardJob | null>(null)
  const [error, setError] = useState<string | null>(null)
  const poll = useRef<number | undefined>(undefined)

  const stopPolling = () => {
    window.clearTimeout(poll.current)
    poll.current = undefined
  }
  useEffect(() => stopPolling, [])

  const follow = (id: string) => {
    poll.current = window.setTimeout(async () => {
      try {
        const next = await api.signboardJob(id)
        setJob(next)
        if (next.status === 'running') follow(id)
        else if (next.status === 'failed') setError(next.error ?? t('batchFailed'))
      } catch (e) {
        setError(describeError(e))
      }
    }, POLL_MS)
  }

  const start = async () => {
    if (!jurisdiction) return
    stopPolling()
    setError(null)
    setJob(null)
    try {
      const started = await api.startSignboardBatch({ zone: jurisdiction.code, kind, format })
      setJob(started)
      if (started.status === 'running') follow(started.id)
    } catch (e) {
      setError(describeError(e))
    }
  }

  const running = job?.status === 'running'
  const close = () => {
    stopPolling()
    setOpen(false)
    setJob(null)
    setError(null)
  }

  return (
    <>
      <button data-testid="batch-signboards" disabled={!jurisdiction} title={jurisdiction ? undefined : t('batchNoJurisdiction')} onClick={() => setOpen(true)}>
        {t('batchSignboards')}
      </button>
      {open && jurisdiction && createPortal(
        <div className="modal fixed" role="dialog" aria-label={t('batchSignboards')} data-testid="batch-dialog">
          <div className="panel batch-dialog">
            <button className="close" onClick={close} aria-label={t('close')}>×</button>
            <h3>{t('batchSignboards')}</h3>
            <p>{t('batchOf')}: <strong>{jurisdiction.name}</strong> <span className="muted">{t(`kind.${jurisdiction.kind}`)} {jurisdiction.code}</span></p>
            <div className="row">
              <label>{t('batchKind')}</label>
              <select data-testid="batch-kind" value={kind} disabled={running} onChange={(e) => setKind(e.target.value as 'street' | 'grid')}>
                <option value="street">{t('kind.street')}</option>
                <option value="grid">{t('kind.grid')}</option>
              </select>
              <label>{t('batchFormat')}</label>
              <select data-testid="batch-format" value={format} disabled={running} onChange={(e) => setFormat(e.target.value as 'pdf' | 'zip')}>
                <option value="pdf">{t('batchPdf')}</option>
                <option value="zip">{t('batchZip')}</option>
              </select>
              <button className="primary" data-testid="batch-start" disabled={running} onClick={() => void start()}>{t('batchStart')}</button>
            </div>
            {job && (
              <div className="batch-progress" data-testid="batch-progress" data-status={job.status}>
                <progress value={job.done} max={Math.max(job.total, 1)} />
                <span>
                  {t(job.status === 'running' ? 'batchRunning' : job.status === 'done' ? 'batchDone' : 'batchFailed')} {job.done}/{job.total}
                  {running && job.current ? ` · ${job.current}` : ''}
                </span>
              </div>
            )}
            {job?.status === 'done' && job.file && (
              <p><a className="button primary" data-testid="batch-download" href={job.file} download>{t('batchDownload')} ({format.toUpperCase()})</a></p>
            )}
            {error && <p className="error" data-testid="batch-error">{error}</p>}
          </div>
        </div>,
        document.body,
      )}
    </>
  )
}
