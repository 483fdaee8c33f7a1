/**
 * A small strict reader of GPX 1.1 (and 1.0) tracks: `gpx/trk/trkseg/trkpt` with `lat`, `lon`
 * and `time`. The XML parser in devDependencies is not shipped with the server, and a track file
 * needs little of XML: elements, attributes, text, comments, CDATA and the five entities. A
 * DOCTYPE is refused (no entity expansion from an uploaded file). Every problem names its line.
 *
 * Pure: no database or HTTP imports.
 */

export interface GpxPoint {
  at: Date
  lon: number
  lat: number
  /** Fixes of one trkseg share a segment number; numbered across the file's tracks. */
  segment: number
}

export interface GpxTrack {
  name: string | null
  points: GpxPoint[]
}

export class GpxError extends Error {
  constructor(readonly line: number, readonly element: string, message: string) {
    super(`line ${line}, ${element}: ${message}`)
  }
}

interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
  line: number
}

const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decode(text: string, line: number, element: string): string {
  return text.replace(/&([^;\s&]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new GpxError(line, element, `"&" must start an entity such as &amp;`)
    if (body in ENTITIES) return ENTITIES[body]!
    const code = /^#x[0-9a-fA-F]+$/.test(body) ? parseInt(body.slice(2), 16) : /^#\d+$/.test(body) ? parseInt(body.slice(1), 10) : NaN
    if (!Number.isFinite(code) || code > 0x10ffff) throw new GpxError(line, element, `unknown entity &${body};`)
    return String.fromCodePoint(code)
  })
}

/** Parses XML into elements; throws GpxError at the first malformed construct. */
export function parseXml(source: string): XmlElement {
  let position = 0
  let line = 1
  const advance = (to: number) => {
    for (let i = position; i < to; i++) if (source.charCodeAt(i) === 10) line++
    position = to
  }
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  if (source.charCodeAt(0) === 0xfeff) position = 1
  while (position < source.length) {
    const current = stack[stack.length - 1]
    const where = current ? `<${current.name}>` : 'document'
    const lt = source.indexOf('<', position)
    const textEnd = lt === -1 ? source.length : lt
    if (textEnd > position) {
      const text = source.slice(position, textEnd)
      if (!current) {
        if (text.trim() !== '') throw new GpxError(line, where, 'text outside the root element')
      } else current.text += decode(text, line, where)
      advance(textEnd)
      continue
    }
    if (source.startsWith('<!--', position)) {
      const end = source.indexOf('-->', position + 4)
      if (end === -1) throw new GpxError(line, where, 'comment not closed (-->)')
      advance(end + 3)
    } else if (source.startsWith('<![CDATA[', position)) {
      const end = source.indexOf(']]>', position)
      if (end === -1 || !current) throw new GpxError(line, where, current ? 'CDATA not closed (]]>)' : 'CDATA outside the root element')
      current.text += source.slice(position + 9, end)
      advance(end + 3)
    } else if (source.startsWith('<?', position)) {
      const end = source.indexOf('?>', position)
      if (end === -1) throw new GpxError(line, where, 'processing instruction not closed (?>)')
      advance(end + 2)
    } else if (source.startsWith('<!', position)) {
      throw new GpxError(line, where, 'a DOCTYPE or other declaration is not accepted in a GPX file')
    } else if (source.startsWith('</', position)) {
      const end = source.indexOf('>', position)
      const name = end === -1 ? '' : source.slice(position + 2, end).trim()
      if (end === -1 || !current) throw new GpxError(line, where, `unexpected closing tag </${name}>`)
      if (name !== current.name) throw new GpxError(line, where, `closing tag </${name}> does not match <${current.name}> opened on line ${current.line}`)
      stack.pop()
      advance(end + 1)
    } else {
      const startLine = line
      let end = position + 1
      let quote: string | null = null
      for (; end < source.length; end++) {
        const char = source[end]
        if (quote) {
          if (char === quote) quote = null
        } else if (char === '"' || char === "'") quote = char
        else if (char === '>') break
        else if (char === '<') break
      }
      if (end >= source.length || source[end] !== '>') throw new GpxError(startLine, where, 'tag not closed (>)')
      let inner = source.slice(position + 1, end)
      const selfClosing = inner.endsWith('/')
      if (selfClosing) inner = inner.slice(0, -1)
      const nameMatch = /^[^\s]+/.exec(inner)
      const name = nameMatch?.[0] ?? ''
      if (!NAME.test(name)) throw new GpxError(startLine, where, `bad element name "${name.slice(0, 40)}"`)
      const element: XmlElement = { name, attributes: {}, children: [], text: '', line: startLine }
      const rest = inner.slice(name.length)
      const attribute = /\s+([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/y
      let at = 0
      while (at < rest.length) {
        if (/^\s*$/.test(rest.slice(at))) break
        attribute.lastIndex = at
        const match = attribute.exec(rest)
        if (!match) throw new GpxError(startLine, `<${name}>`, 'malformed attribute (name="value")')
        const key = match[1]!
        if (!NAME.test(key)) throw new GpxError(startLine, `<${name}>`, `bad attribute name "${key.slice(0, 40)}"`)
        if (key in element.attributes) throw new GpxError(startLine, `<${name}>`, `attribute ${key} given twice`)
        element.attributes[key] = decode(match[3] ?? match[4] ?? '', startLine, `<${name}>`)
        at = attribute.lastIndex
      }
      if (current) current.children.push(element)
      else if (root) throw new GpxError(startLine, `<${name}>`, 'a second root element')
      else root = element
      if (!selfClosing) stack.push(element)
      advance(end + 1)
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1]!
    throw new GpxError(line, `<${open.name}>`, `not closed (opened on line ${open.line})`)
  }
  if (!root) throw new GpxError(line, 'document', 'no root element')
  return root
}

const local = (name: string) => name.slice(name.indexOf(':') + 1)
const childrenNamed = (element: XmlElement, name: string) => element.children.filter((child) => local(child.name) === name)

/** An xsd:dateTime with a time zone (Z or ±hh:mm); a time without one is ambiguous and refused. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

function coordinate(element: XmlElement, name: 'lat' | 'lon'): number {
  const raw = element.attributes[name]
  const limit = name === 'lat' ? 90 : 180
  if (raw === undefined) throw new GpxError(element.line, '<trkpt>', `attribute ${name} is missing`)
  const value = Number(raw.trim())
  if (!/^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(raw) || !Number.isFinite(value) || Math.abs(value) > limit) {
    throw new GpxError(element.line, '<trkpt>', `${name}="${raw.slice(0, 40)}" must be a number from -${limit} to ${limit}`)
  }
  return value
}

/** The tracks of a GPX file, each point with its time; a file with no timed point is refused. */
export function parseGpx(source: string): GpxTrack[] {
  const root = parseXml(source)
  if (local(root.name) !== 'gpx') throw new GpxError(root.line, `<${root.name}>`, 'the root element must be <gpx>')
  const version = root.attributes.version
  if (version !== '1.1' && version !== '1.0') throw new GpxError(root.line, '<gpx>', `version must be "1.1" (or "1.0"), got ${JSON.stringify(version ?? null)}`)
  const tracks: GpxTrack[] = []
  let segment = 0
  for (const trk of childrenNamed(root, 'trk')) {
    const name = childrenNamed(trk, 'name')[0]?.text.trim() || null
    const points: GpxPoint[] = []
    for (const trkseg of childrenNamed(trk, 'trkseg')) {
      for (const trkpt of childrenNamed(trkseg, 'trkpt')) {
        const lat = coordinate(trkpt, 'lat')
        const lon = coordinate(trkpt, 'lon')
        const times = childrenNamed(trkpt, 'time')
        if (times.length !== 1) throw new GpxError(trkpt.line, '<trkpt>', times.length === 0 ? 'has no <time> (a patrol needs the time of each point)' : 'has more than one <time>')
        const text = times[0]!.text.trim()
        const at = new Date(text)
        if (!DATE_TIME.test(text) || Number.isNaN(at.getTime())) {
          throw new GpxError(times[0]!.line, '<time>', `"${text.slice(0, 40)}" is not a date and time with a zone (e.g. 2026-12-02T08:00:00Z)`)
        }
        const previous = points[points.length - 1]
        if (previous && at.getTime() < previous.at.getTime()) {
          throw new GpxError(times[0]!.line, '<time>', `${text} is earlier than the point before it`)
        }
        points.push({ at, lon, lat, segment })
      }
      segment++
    }
    tracks.push({ name, points })
  }
  if (tracks.every((track) => track.points.length === 0)) throw new GpxError(root.line, '<gpx>', 'holds no track point (<trk><trkseg><trkpt>)')
  return tracks
}
