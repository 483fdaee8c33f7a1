import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { assertGlobalScope } from '../auth/scope.js'
import { errorResponses } from '../kernel/schemas.js'
import { Calendar, CalendarDay, CalendarHead, CalendarQuery, DayParams, DeletedDay, Due, DueQuery, PutCalendarBody, PutDayBody } from './calendar.schemas.js'
import { calendarOfYear, dueForCategory, removeCalendarDay, setCalendarDay, updateCalendar } from './calendar.service.js'
// Registers the deadline sweep job (server/jobs/scheduler.ts) when the routes are loaded.
import './deadline-jobs.js'

/** The working calendar (docs/cases-deadlines.md): working periods, warn ratio, exception days. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['calendar']
  const writeErrors = errorResponses(400, 404, 409, 413, 415, 422)

  app.get(
    '/calendar',
    {
      config: { access: 'cases.read' },
      schema: { tags, summary: "The working calendar and a year's exception days (default: this year, Beijing time)", querystring: CalendarQuery, response: { 200: Calendar, ...errorResponses(400) } },
    },
    async (request) => calendarOfYear(app.db, request.query.year, app.clock()),
  )

  app.put(
    '/calendar',
    {
      config: { access: 'cases.configure' },
      schema: { tags, summary: 'Set the working periods and the warn ratio (optimistic version)', body: PutCalendarBody, response: { 200: CalendarHead, ...writeErrors } },
    },
    async (request) => {
      await assertGlobalScope(app.db, request.actor!, 'cases.configure', 'The working calendar')
      return updateCalendar(app.db, request.body)
    },
  )

  app.put(
    '/calendar/days/:day',
    {
      config: { access: 'cases.configure' },
      schema: { tags, summary: 'Mark a day working (调休) or not (holiday)', params: DayParams, body: PutDayBody, response: { 200: CalendarDay, ...writeErrors } },
    },
    async (request) => {
      await assertGlobalScope(app.db, request.actor!, 'cases.configure', 'The working calendar')
      return setCalendarDay(app.db, request.params.day, request.body)
    },
  )

  app.delete(
    '/calendar/days/:day',
    {
      config: { access: 'cases.configure' },
      schema: { tags, summary: 'Remove an exception day (it follows Monday–Friday again)', params: DayParams, response: { 200: DeletedDay, ...writeErrors } },
    },
    async (request) => {
      await assertGlobalScope(app.db, request.actor!, 'cases.configure', 'The working calendar')
      return removeCalendarDay(app.db, request.params.day)
    },
  )

  app.get(
    '/calendar/due',
    {
      config: { access: 'cases.read' },
      schema: { tags, summary: "A category's warning and due instants counted from a time (default now)", querystring: DueQuery, response: { 200: Due, ...errorResponses(400, 404) } },
    },
    async (request) => dueForCategory(app.db, request.query.category_id, request.query.from, app.clock()),
  )
}

export default routes
