import { useEffect, useRef, useState } from 'react'
import { onAudit } from '../api/client.js'
import type { WriteAudit } from '../api/types.js'
import { describeAuditEffect, netAuditEffect, type AuditEffect } from '../edits/audit-summary.js'
import { useI18n } from '../i18n/i18n.js'

let holds = 0
const releaseListeners = new Set<() => void>()

/**
 * Groups the audits of the writes that follow into one toast, for an edit made of several writes
 * (a split is a delete and three creates); call the returned function when the edit is over.
 */
export function holdAudits(): () => void {
  holds++
  let released = false
  return () => {
    if (released) return
    released = true
    holds--
    if (holds === 0) for (const listener of releaseListeners) listener()
  }
}

const SHOWN_MS = 8000

/** A short line after every edit saying what it did to the coverage audit. */
export function AuditToast() {
  const { t } = useI18n()
  const [effects, setEffects] = useState<AuditEffect[] | null>(null)
  const pending = useRef<WriteAudit[]>([])
  const timer = useRef<number | undefined>(undefined)

  useEffect(() => {
    const flush = () => {
      if (!pending.current.length) return
      setEffects(netAuditEffect(pending.current))
      pending.current = []
      window.clearTimeout(timer.current)
      timer.current = window.setTimeout(() => setEffects(null), SHOWN_MS)
    }
    const unsubscribe = onAudit((audit) => {
      pending.current.push(audit)
      if (holds === 0) flush()
    })
    releaseListeners.add(flush)
    return () => {
      unsubscribe()
      releaseListeners.delete(flush)
      window.clearTimeout(timer.current)
    }
  }, [])

  if (!effects) return null
  const text = describeAuditEffect(effects, {
    prefix: t('auditPrefix'),
    added: t('auditAdded'),
    resolved: t('auditResolved'),
    unchanged: t('auditUnchanged'),
    item: (kind, count) => `${count} ${t(`auditItem.${kind}`)}`,
    listSeparator: t('auditListSeparator'),
    partSeparator: t('auditPartSeparator'),
  })
  const worse = effects.some((e) => Object.values(e.added).some((n) => n > 0))
  return (
    <div className={`audit-toast ${worse ? 'worse' : 'better'}`} data-testid="audit-toast" role="status" onClick={() => setEffects(null)}>
      {text}
    </div>
  )
}
