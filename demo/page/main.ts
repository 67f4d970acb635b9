/**
 * The demo page: sign in with email and password (through `clerk.client.signIn`; Clerk's UI
 * components are not bundled offline), the `<birthday-editor>`, a live session-token inspector, the
 * refresh-strategy switch and a timeline of what went over the wire during the last save.
 *
 * ClerkJS arrives by Clerk's own script tag (the server puts it in the page), so `window.Clerk` is the
 * instance; the editor finds it there by itself.
 */
import '../../src/define.ts'
import type { BirthdayEditorElement } from '../../src/birthday-editor.ts'
import { decodeClaims } from '../../src/token.ts'
import { byId, demoConfig, loadPageClerk, type DemoClerk } from './page.ts'
import { drawWire } from './wire-panel.ts'
import { recordFetches } from './wire-recorder.ts'
import { lastSave, layoutTimeline } from './wire-timeline.ts'

// Before anything is fetched: the wire panel draws what this records.
const wireRecorder = recordFetches()
const config = await demoConfig()
byId('mode').textContent = config.mode === 'emulator' ? 'offline emulator' : 'real Clerk'
const editor = byId<BirthdayEditorElement>('editor')
editor.setAttribute('endpoint', config.endpoint)
const clerk = await loadPageClerk()
byId('loading').hidden = true

// Account: sign-in form and sign-out.
const form = byId<HTMLFormElement>('sign-in')
const identifier = form.elements.namedItem('identifier') as HTMLInputElement
const password = form.elements.namedItem('password') as HTMLInputElement
if (config.demoUser) {
  identifier.value = config.demoUser.email
  password.value = config.demoUser.password
}
form.addEventListener('submit', (event) => {
  event.preventDefault()
  void signIn(clerk)
})
byId('sign-out').addEventListener('click', () => void clerk.signOut())

async function signIn(clerk: DemoClerk): Promise<void> {
  const error = byId('sign-in-error')
  error.textContent = ''
  try {
    const attempt = await clerk.client.signIn.create({
      identifier: identifier.value,
      password: password.value,
    })
    await clerk.setActive({ session: attempt.createdSessionId })
  } catch (caught) {
    const errors = (caught as { errors?: { longMessage?: string; message?: string }[] }).errors
    error.textContent = errors?.[0]?.longMessage ?? errors?.[0]?.message ?? 'Sign-in failed.'
  }
}

function renderAccount(): void {
  const signedIn = Boolean(clerk.user)
  form.hidden = signedIn
  byId('signed-in').hidden = !signedIn
  byId('who').textContent =
    clerk.user?.primaryEmailAddress?.emailAddress ?? clerk.user?.id ?? 'nobody'
}
clerk.addListener(renderAccount)
renderAccount()

// The refresh strategy switch drives the element's `refresh` attribute.
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="refresh"]')) {
  radio.addEventListener('change', () => {
    if (radio.checked) editor.setAttribute('refresh', radio.value)
  })
}

// The token inspector reads the token ClerkJS already holds: it never causes a request.
let lastRaw = ''
let lastBirthday: unknown = undefined
function renderToken(): void {
  const raw = clerk.session?.lastActiveToken?.getRawString() ?? ''
  const claims = decodeClaims(raw)
  const now = Date.now() / 1000
  const iat = typeof claims?.iat === 'number' ? claims.iat : null
  const exp = typeof claims?.exp === 'number' ? claims.exp : null
  byId('iat').textContent = iat === null ? '–' : `${Math.max(0, Math.round(now - iat))} s ago`
  byId('exp').textContent = exp === null ? '–' : `${Math.max(0, Math.round(exp - now))} s`
  if (raw === lastRaw) return
  lastRaw = raw
  const list = byId('claims')
  const rows: HTMLElement[] = []
  for (const [name, value] of Object.entries(claims ?? {})) {
    const term = document.createElement('dt')
    term.textContent = name
    const detail = document.createElement('dd')
    detail.textContent = JSON.stringify(value)
    if (name === 'birthday' && lastBirthday !== undefined && value !== lastBirthday) {
      detail.classList.add('changed')
    }
    rows.push(term, detail)
  }
  list.replaceChildren(...rows)
  lastBirthday = claims?.birthday ?? null
}
setInterval(renderToken, 1000)
clerk.addListener(renderToken)
renderToken()

// The wire: every request from the save's first POST to the handler until the editor reported the
// outcome (ClerkJS's too), as bars on one time axis. A CORS preflight is not a fetch: not listed.
let previousOutcome = 0
const showWire = () => {
  const endpoint = new URL(editor.getAttribute('endpoint') ?? '', location.href).href
  const now = performance.now()
  const requests = lastSave(wireRecorder.requests, endpoint, previousOutcome)
  drawWire(byId('wire'), byId('wire-axis'), layoutTimeline(requests, endpoint, now))
  previousOutcome = now
}
// One draw per outcome: `claim-stale` fires `birthday-editor-saved` and then `-error` at once.
let drawing = false
const scheduleWire = () => {
  if (drawing) return
  drawing = true
  queueMicrotask(() => {
    drawing = false
    showWire()
  })
}
editor.addEventListener('birthday-editor-saved', scheduleWire)
editor.addEventListener('birthday-editor-error', scheduleWire)
