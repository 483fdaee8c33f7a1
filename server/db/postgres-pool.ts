import pg from 'pg'
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'

/**
 * How long Jiezhang waits for PostgreSQL, per session. A stock server has no statement timeout
 * and JIT on; both are wrong for an app whose statements take milliseconds, so every session sets
 * its own (README, "Configuration").
 */
export interface DatabaseTimeouts {
  /** A new connection (TCP, start-up, authentication), and a request's wait for a free one. */
  connectMs: number
  /** One statement on the server (`statement_timeout`); the client gives up `clientGraceMs` later. */
  statementMs: number
  /** A wait for a row or table lock (`lock_timeout`), e.g. a zone another write holds. */
  lockMs: number
  /** A transaction left open without a statement (`idle_in_transaction_session_timeout`). */
  idleInTransactionMs: number
}

/**
 * Audited writes, imports and the audit take well under a second with JIT off; the largest
 * import measured (the demo tiled 10 times, scripts/bench-jit.ts) takes a few seconds, so 60 s
 * for one statement leaves a wide margin while a stuck statement is still cut off.
 */
export const defaultDatabaseTimeouts: DatabaseTimeouts = {
  connectMs: 5_000,
  statementMs: 60_000,
  lockMs: 10_000,
  idleInTransactionMs: 60_000,
}

/**
 * The client-side bound on top of the server's statement timeout: a server that is frozen (or a
 * network that drops packets) never sends the cancel, so the client gives up itself.
 */
export const clientGraceMs = 5_000

/**
 * The session settings, sent as start-up options so they hold for every statement of the session,
 * including the per-row trigger that cuts zones into parts: JIT compiles each of those rows
 * anew on a stock server (251 ms for one insert), and the audit's planner costs trip it too.
 */
export function sessionOptions(timeouts: DatabaseTimeouts): string {
  return [
    'jit=off',
    `statement_timeout=${Math.trunc(timeouts.statementMs)}`,
    `lock_timeout=${Math.trunc(timeouts.lockMs)}`,
    `idle_in_transaction_session_timeout=${Math.trunc(timeouts.idleInTransactionMs)}`,
  ]
    .map((setting) => `-c ${setting}`)
    .join(' ')
}

export function createPool(connectionString: string, timeouts: DatabaseTimeouts): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 8,
    connectionTimeoutMillis: timeouts.connectMs,
    options: sessionOptions(timeouts),
    keepAlive: true,
  })
  // An idle connection that the server drops (a restart, a dropped test database) must not crash
  // the process; the next query opens a new one.
  pool.on('error', () => {})
  return pool
}

/**
 * Errors that say the database cannot be reached or stopped answering, as opposed to refusing a
 * statement: nothing the caller sent is wrong, and the same request may succeed later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown }
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) return true
  // Node reports a refused connection to a host name with several addresses as an AggregateError.
  if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true
  return typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message))
}

/** Statements the server cut off by its own timeouts: it is up, but too busy for this one now. */
export function isDatabaseTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '57014' || code === '55P03'
}

/** Either of the two: the statement failed for the database's sake, not for what it holds. */
export function isDatabaseFailure(error: unknown): boolean {
  return isDatabaseUnavailable(error) || isDatabaseTimeout(error)
}

const unavailableCodes = new Set([
  // Node's sockets
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now (starting or shutting down),
  // database_dropped, too_many_connections, idle_in_transaction_session_timeout
  '57P01', '57P02', '57P03', '57P04', '53300', '25P03',
])

// pg and pg-pool raise these as plain Errors without a code.
const unavailableMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /is not queryable/,
  // PGlite, once closed; Kysely, once the handle is closed (a request still running at shutdown)
  /^PGlite is closed/,
  /^driver has already been destroyed/,
]

/**
 * The pool as Kysely sees it, with two guards pg lacks. Every query gets a client-side read
 * timeout of the session's statement timeout plus `clientGraceMs` (following `SET [LOCAL]
 * statement_timeout = N` where long work raises it), so a frozen server cannot hold a request
 * forever. A client whose connection failed is destroyed when released, not handed to the next
 * request: after a read timeout pg keeps the unanswered query active and would queue every later
 * query on that client behind it.
 */
export function guardedPool(pool: pg.Pool, timeouts: DatabaseTimeouts): PostgresPool {
  const guards = new WeakMap<pg.PoolClient, GuardedClient>()
  return {
    async connect() {
      const client = await pool.connect()
      let guarded = guards.get(client)
      if (!guarded) {
        guarded = new GuardedClient(client, timeouts.statementMs)
        guards.set(client, guarded)
      }
      guarded.broken = false
      // Kysely's client interface also has a cursor overload, which Jiezhang does not use.
      return guarded as unknown as PostgresPoolClient
    },
    end: () => pool.end(),
    options: pool.options,
  }
}

class GuardedClient {
  broken = false
  /** The server's statement timeout for this session, and within the current transaction. */
  private sessionStatementMs: number
  private transactionStatementMs: number | undefined

  constructor(
    private readonly client: pg.PoolClient,
    private readonly defaultStatementMs: number,
  ) {
    this.sessionStatementMs = defaultStatementMs
    // The pool listens for errors only while a client is idle; a connection the server ends while
    // a request holds it between two statements (inside a transaction) would otherwise emit an
    // error no one listens to, and that ends the process.
    client.on('error', () => {
      this.broken = true
    })
  }

  get processID(): number | undefined {
    return (this.client as unknown as { processID?: number }).processID
  }

  async query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
    // A ROLLBACK after a read timeout would otherwise wait behind the unanswered query for a
    // second read timeout.
    if (this.broken) throw new Error('Connection terminated: an earlier query on this connection failed')
    const statementMs = this.transactionStatementMs ?? this.sessionStatementMs
    try {
      const result = await this.client.query<R & pg.QueryResultRow>({
        text: sql,
        values: parameters as unknown[],
        // 0 is "no timeout" for the server and for pg alike.
        ...(statementMs > 0 ? { query_timeout: statementMs + clientGraceMs } : {}),
      } as pg.QueryConfig)
      this.follow(sql)
      return result as unknown as PostgresQueryResult<R>
    } catch (error) {
      if (isDatabaseUnavailable(error)) this.broken = true
      throw error
    }
  }

  release(destroy?: boolean): void {
    this.client.release(destroy || this.broken ? new Error('connection failed') : undefined)
  }

  /** Keeps the client's idea of the server's statement timeout in step with what was sent. */
  private follow(sql: string): void {
    const set = /^\s*set\s+(local\s+|session\s+)?statement_timeout\s*(?:=|to)\s*'?(\d+)'?\s*;?\s*$/i.exec(sql)
    if (set) {
      const value = Number(set[2])
      if (set[1]?.trim().toLowerCase() === 'local') this.transactionStatementMs = value
      else this.sessionStatementMs = value
    } else if (/^\s*(commit|rollback|end|abort)\s*;?\s*$/i.test(sql)) {
      this.transactionStatementMs = undefined
    } else if (/^\s*reset\s+(statement_timeout|all)\s*;?\s*$/i.test(sql)) {
      this.sessionStatementMs = this.defaultStatementMs
    }
  }
}
