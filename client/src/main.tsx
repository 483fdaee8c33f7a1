import { createRoot } from 'react-dom/client'
import 'maplibre-gl/dist/maplibre-gl.css'
import './styles.css'
import { Root } from './session/Root.js'

createRoot(document.getElementById('root')!).render(<Root />)
