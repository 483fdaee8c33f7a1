import { useEffect, useState } from 'react'
import { createPortal } from 'react-dom'
import { ApiError, describeError, signboardUrl } from '../api/client.js'
import type { Orientation, Paper, SignboardKind } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'

interface Props {
  zone: { code: string; name: string; kind: SignboardKind }
  onClose(): void
}

const PAPERS: Paper[] = ['A4', 'A3', 'A2', 'A1']
const ORIENTATIONS: Orientation[] = ['landscape', 'portrait']
const PREVIEW_DPI = 60

/** An image cannot say why it failed: ask the same URL again for the engine's error answer. */
async function previewError(url: string): Promise<string> {
  try {
    const response = await fetch(url)
    if (response.ok) return ''
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
    return describeError(new ApiError(response.status, body?.error?.code ?? `http_${response.status}`, body?.error?.message ?? response.statusText, null))
  } catch (error) {
    return describeError(error)
  }
}

/**
 * The signboard (公示牌) of one zone as the server renders it: a low-resolution preview that
 * follows the chosen paper and orientation, and the print files to download.
 */
export function SignboardDialog({ zone, onClose }: Props) {
  const { t } = useI18n()
  const [paper, setPaper] = useState<Paper>('A3')
  const [orientation, setOrientation] = useState<Orientation>('landscape')
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading')
  const [error, setError] = useState('')
  const preview = signboardUrl(zone, 'png', { paper, orientation, dpi: PREVIEW_DPI })

  useEffect(() => {
    setState('loading')
    setError('')
  }, [preview])

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  return createPortal(
    <div className="modal fixed" role="dialog" aria-label={t('signboardTitle')} data-testid="signboard-dialog" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="panel signboard-dialog">
        <button className="close" onClick={onClose} aria-label={t('close')}>×</button>
        <h3>{t('signboardTitle')} · {zone.name} <span className="muted">{t(`kind.${zone.kind}`)} {zone.code}</span></h3>
        <div className="row">
          <label>{t('paper')}</label>
          <div className="tabs small" data-testid="signboard-paper">
            {PAPERS.map((p) => <button key={p} className={p === paper ? 'active' : ''} onClick={() => setPaper(p)}>{p}</button>)}
          </div>
          <label>{t('orientation')}</label>
          <div className="tabs small" data-testid="signboard-orientation">
            {ORIENTATIONS.map((o) => (
              <button key={o} data-testid={`orientation-${o}`} className={o === orientation ? 'active' : ''} onClick={() => setOrientation(o)}>{t(o)}</button>
            ))}
          </div>
        </div>
        <div className={`signboard-preview ${orientation}`} data-state={state}>
          <img
            key={preview}
            src={preview}
            alt={`${zone.name} ${t('printSignboard')}`}
            data-testid="signboard-preview"
            onLoad={() => setState('loaded')}
            onError={() => {
              setState('failed')
              void previewError(preview).then(setError)
            }}
          />
          {state === 'loading' && <p className="muted overlay">{t('previewLoading')}</p>}
          {state === 'failed' && <p className="error overlay" data-testid="signboard-error">{t('previewFailed')}{error ? `: ${error}` : ''}</p>}
        </div>
        <div className="row">
          <span>{t('download')} {paper} {t(orientation)}:</span>
          {(['pdf', 'svg', 'png'] as const).map((format) => (
            <a
              key={format}
              className="button"
              data-testid={`signboard-${format}`}
              href={signboardUrl(zone, format, { paper, orientation })}
              download
            >
              {format.toUpperCase()}
            </a>
          ))}
        </div>
      </div>
    </div>,
    document.body,
  )
}
