import { createRoot } from 'react-dom/client'

function App() {
  return <h1>街长 Jiezhang</h1>
}

createRoot(document.getElementById('root')!).render(<App />)
