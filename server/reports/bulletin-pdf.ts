import { measureText } from '../signboards/fonts.js'
import { drawingsToPdf } from '../signboards/pdf-writer.js'
import { bulletinTitle, composeBulletin } from './bulletin-layout.js'
import type { RankedSection, ReportContext } from './report-context.js'

/** The monthly bulletin as a PDF, through the signboards' writer and font (vector, text searchable). */
export function writeBulletinPdf(sections: readonly RankedSection[], context: ReportContext): Promise<Buffer> {
  return drawingsToPdf(composeBulletin(sections, context, measureText), bulletinTitle(context))
}
