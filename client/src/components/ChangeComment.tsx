import { useState } from 'react'
import { changeComment, setChangeComment } from '../api/client.js'
import { useI18n } from '../i18n/i18n.js'

/**
 * The comment of the editing session (like an OpenStreetMap changeset's): typed once, sent as the
 * x-change-comment header with every write until it is changed, and kept on each write's audit
 * entry and in the zone's history.
 */
export function ChangeComment() {
  const { t } = useI18n()
  const [text, setText] = useState(changeComment)
  return (
    <input
      className="change-comment"
      data-testid="change-comment"
      maxLength={500}
      aria-label={t('changeComment')}
      title={t('changeComment')}
      placeholder={t('changeCommentPlaceholder')}
      value={text}
      onChange={(e) => {
        setText(e.target.value)
        setChangeComment(e.target.value)
      }}
    />
  )
}
