/**
 * A small Open311 GeoReport v2 client that speaks nothing else: lists the services at a point,
 * posts a service request (form-encoded, with api_key, as GeoReport clients do) and reads its
 * status back. Works against any GeoReport v2 endpoint, this server's included:
 *
 *   tsx scripts/open311-client.ts --endpoint http://localhost:8080/open311/v2 --api-key <token> \
 *     --lat 30.2795 --long 120.1612 --description "井盖缺失" [--service <code>] [--address "…"] [--media-url https://…]
 */
import { fileURLToPath } from 'node:url'

export interface ClientOptions {
  endpoint: string
  apiKey: string
  lat: number
  long: number
  description: string
  service?: string
  address?: string
  /** A photo already online (GeoReport's media_url). */
  mediaUrl?: string
}

export interface ClientResult {
  services: { service_code: string; service_name: string }[]
  serviceCode: string
  serviceRequestId: string
  status: string
  request: Record<string, unknown>
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' } })
  const body = (await response.json()) as unknown
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${describeError(body)}`)
  return body
}

function describeError(body: unknown): string {
  // GeoReport errors: [{"code":400,"description":"…"}]
  if (Array.isArray(body) && body[0] && typeof body[0] === 'object') return String((body[0] as { description?: unknown }).description)
  return JSON.stringify(body).slice(0, 200)
}

export async function runOpen311Client(options: ClientOptions, log: (line: string) => void = () => {}): Promise<ClientResult> {
  const endpoint = options.endpoint.replace(/\/+$/, '')
  const services = (await getJson(`${endpoint}/services.json?lat=${options.lat}&long=${options.long}`)) as ClientResult['services']
  log(`${services.length} services at ${options.lat}, ${options.long}: ${services.map((s) => `${s.service_code} ${s.service_name}`).join('; ')}`)
  const serviceCode = options.service ?? services[0]?.service_code
  if (!serviceCode) throw new Error('no service is offered at this point')
  const form = new URLSearchParams({
    api_key: options.apiKey,
    service_code: serviceCode,
    lat: String(options.lat),
    long: String(options.long),
    description: options.description,
    ...(options.address ? { address_string: options.address } : {}),
    ...(options.mediaUrl ? { media_url: options.mediaUrl } : {}),
  })
  const posted = await fetch(`${endpoint}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form })
  const created = (await posted.json()) as unknown
  if (!posted.ok) throw new Error(`POST ${endpoint}/requests.json: ${posted.status} ${describeError(created)}`)
  const serviceRequestId = String((created as { service_request_id: unknown }[])[0]!.service_request_id)
  log(`posted: service_request_id ${serviceRequestId}`)
  const [request] = (await getJson(`${endpoint}/requests/${encodeURIComponent(serviceRequestId)}.json`)) as Record<string, unknown>[]
  const status = String(request!.status)
  log(`status: ${status}${request!.status_notes ? ` (${String(request!.status_notes)})` : ''}`)
  return { services, serviceCode, serviceRequestId, status, request: request! }
}

function argument(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`)
  return index >= 0 ? args[index + 1] : undefined
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const endpoint = argument(args, 'endpoint') ?? 'http://localhost:8080/open311/v2'
  const apiKey = argument(args, 'api-key') ?? process.env.OPEN311_API_KEY
  const lat = Number(argument(args, 'lat'))
  const long = Number(argument(args, 'long'))
  const description = argument(args, 'description')
  if (!apiKey || !Number.isFinite(lat) || !Number.isFinite(long) || !description) {
    console.error('usage: tsx scripts/open311-client.ts --endpoint URL --api-key TOKEN --lat LAT --long LONG --description TEXT [--service CODE] [--address TEXT] [--media-url URL]')
    process.exit(2)
  }
  runOpen311Client({ endpoint, apiKey, lat, long, description, service: argument(args, 'service'), address: argument(args, 'address'), mediaUrl: argument(args, 'media-url') }, (line) => console.log(line)).catch(
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error))
      process.exit(1)
    },
  )
}
