import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config.js'
import { GpxError, parseGpx } from './gpx.js'
import { loadPatrolSettings } from './patrols.settings.js'

const file = (points: string) => `<?xml version="1.0"?>\n<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">\n<trk><name>夜巡 &amp; 早巡</name>\n${points}\n</trk>\n</gpx>`

describe('the GPX reader', () => {
  it('reads the points of each trkseg with their time and numbers the segments across tracks', () => {
    const tracks = parseGpx(file(`<trkseg><trkpt lat="30.27" lon="120.16"><time>2026-12-01T20:00:00Z</time></trkpt></trkseg>
<trkseg><trkpt lat='30.28' lon='120.17'><ele>8</ele><time>2026-12-01T20:05:00+08:00</time></trkpt><!-- x --></trkseg>`).replace('2026-12-01T20:05:00+08:00', '2026-12-02T04:05:00+08:00'))
    expect(tracks).toHaveLength(1)
    expect(tracks[0]!.name).toBe('夜巡 & 早巡')
    expect(tracks[0]!.points.map((p) => [p.lat, p.lon, p.segment, p.at.toISOString()])).toEqual([
      [30.27, 120.16, 0, '2026-12-01T20:00:00.000Z'],
      [30.28, 120.17, 1, '2026-12-01T20:05:00.000Z'],
    ])
  })

  it('names the line and element of a problem', () => {
    const problem = (source: string) => {
      try {
        parseGpx(source)
      } catch (error) {
        if (error instanceof GpxError) return error.message
        throw error
      }
      return 'no error'
    }
    expect(problem(file('<trkseg>\n<trkpt lat="30" lon="120"/></trkseg>'))).toBe('line 5, <trkpt>: has no <time> (a patrol needs the time of each point)')
    expect(problem(file('<trkseg><trkpt lat="30" lon="120"><time>20:00</time></trkpt></trkseg>'))).toMatch(/^line 4, <time>: "20:00" is not a date and time with a zone/)
    expect(problem(file('<trkseg><trkpt lat="91" lon="120"><time>2026-12-01T20:00:00Z</time></trkpt></trkseg>'))).toMatch(/^line 4, <trkpt>: lat="91" must be a number from -90 to 90/)
    expect(problem(file('<trkseg>'))).toMatch(/^line 5, <trkseg>: closing tag <\/trk> does not match <trkseg>/)
    expect(problem('<gpx version="2.0"></gpx>')).toMatch(/version must be "1.1"/)
    expect(problem('<!DOCTYPE x><gpx version="1.1"/>')).toMatch(/DOCTYPE/)
    expect(problem(file(''))).toMatch(/holds no track point/)
  })
})

describe('the patrol settings', () => {
  it('has the documented defaults and refuses an unusable value naming the variable', () => {
    expect(loadPatrolSettings({})).toEqual({ retentionDays: 180, maxGapS: 300, maxJumpM: 300, maxSpeedMs: 10 })
    expect(loadPatrolSettings({ PATROL_TRACK_RETENTION_DAYS: '30', PATROL_MAX_JUMP_M: '150.5' })).toMatchObject({ retentionDays: 30, maxJumpM: 150.5 })
    expect(() => loadPatrolSettings({ PATROL_TRACK_RETENTION_DAYS: 'half a year' })).toThrow(ConfigError)
    expect(() => loadPatrolSettings({ PATROL_TRACK_RETENTION_DAYS: '0' })).toThrow(/PATROL_TRACK_RETENTION_DAYS must be a whole number from 1/)
    expect(() => loadPatrolSettings({ PATROL_MAX_GAP_S: '-5' })).toThrow(/PATROL_MAX_GAP_S/)
  })
})
