/**
 * The cross-origin page: the same editor, but its endpoint is the handler on another port, so every
 * save is a CORS request with a preflight (the handler lists this page's origin).
 */
import '../../src/define.ts'
import { byId, demoConfig, loadPageClerk } from './page.ts'

const config = await demoConfig()
const editor = byId('editor')
editor.setAttribute('endpoint', config.crossOriginEndpoint)
byId('endpoint').textContent = config.crossOriginEndpoint
await loadPageClerk()
