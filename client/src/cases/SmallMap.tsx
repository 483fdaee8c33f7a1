import { useEffect, useRef } from 'react'
import * as maplibregl from 'maplibre-gl'
import { api } from '../api/client.js'
import { baseStyle, basemapFromUrl, chiefColour, LOCAL_IDEOGRAPH_FONT } from '../map/style.js'

/**
 * A small map of one case's point on the phone page: the app's own base style (offline unless a
 * basemap is asked for in the URL), the zones around the point, and the point.
 */
export function SmallMap({ lon, lat }: { lon: number; lat: number }) {
  const container = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const map = new maplibregl.Map({
      container: container.current!,
      style: baseStyle(basemapFromUrl(window.location.search)),
      center: [lon, lat],
      zoom: 16.5,
      interactive: false,
      attributionControl: false,
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT,
      fadeDuration: 0,
    })
    let live = true
    map.once('load', () => {
      if (!live) return
      ;(map.getSource('marker') as maplibregl.GeoJSONSource | undefined)?.setData({
        type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: {} }],
      })
      const d = 0.003
      api.listZones({ bbox: [lon - d, lat - d, lon + d, lat + d], limit: 300 }).then((zones) => {
        if (!live) return
        ;(map.getSource('zones') as maplibregl.GeoJSONSource | undefined)?.setData({
          type: 'FeatureCollection',
          features: zones.features.map((zone) => ({
            ...zone,
            properties: { ...zone.properties, colour: chiefColour(zone.properties.chief?.name ?? zone.properties.merchant?.name), has_chief: true },
          })),
        })
      }, () => undefined)
    })
    return () => {
      live = false
      map.remove()
    }
  }, [lon, lat])
  return <div className="phone-map" data-testid="phone-map" ref={container} />
}
