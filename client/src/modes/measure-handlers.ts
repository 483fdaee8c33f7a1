import { measureAreaM2, measureLengthM } from '../geometry/measure.js'
import { draftFeatures, type Handlers } from './modes.js'

function show(context: Parameters<NonNullable<Handlers['click']>>[0]): void {
  const points = context.draft.points
  const lengthM = measureLengthM(points)
  const areaM2 = measureAreaM2(points)
  context.setMeasurement(points.length < 2 ? null
    : `${context.t('measureLength')} ${lengthM.toFixed(1)} ${context.t('metres')}` +
      (points.length >= 3 ? ` · ${context.t('measureArea')} ${areaM2.toFixed(0)} ${context.t('squareMetres')}` : ''))
  context.redraw(draftFeatures(points, points.length >= 3))
}

export const measureHandlers: Handlers = {
  cursor: 'crosshair',
  click(context, event) {
    context.draft.points.push(event.lngLat)
    show(context)
  },
  dropPoint(context) {
    context.draft.points.pop()
    show(context)
  },
}
