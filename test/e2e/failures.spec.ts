/**
 * Failures: the backend answers 500, Clerk's Backend API is down, token minting fails after a
 * successful write, the connection fails, or the browser is offline. Each gives a clear message, the
 * typed value stays in the field, and a retry works.
 */
import type { BrowserContext, Page } from '@playwright/test'
import {
  type Editor,
  expect,
  expectDate,
  failHandlerOnce,
  type FaultSpec,
  fillDate,
  HANDLER_PATH,
  type HandlerTraffic,
  type LoggedRequest,
  recordEditor,
  recordEditorEvents,
  SAVE_MESSAGES,
  saveDate,
  test,
  tokenClaims,
  wireOf,
} from '../support/demo-fixtures.ts'

const TYPED = '1991-01-02'

async function typeAndSave(editor: Editor): Promise<void> {
  await fillDate(editor, TYPED)
  await editor.save.click()
}

/** The typed value is still in the field and the save button offers a retry. */
async function expectTypedValueKept(editor: Editor): Promise<void> {
  await expectDate(editor, TYPED)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  await expect(editor.save).toBeEnabled()
}

async function expectSaved(editor: Editor, page: Parameters<typeof tokenClaims>[0]) {
  await expect(editor.message).toHaveText('Saved.')
  await expect(editor.current).toHaveText('Saved: January 2, 1991')
  expect((await tokenClaims(page)).birthday).toBe(TYPED)
}

/** What a failure's row is given: the page and the fixtures that make or clear its fault. */
interface Rig {
  page: Page
  context: BrowserContext
  origin: string
  handler: HandlerTraffic
  failNext: (spec: FaultSpec) => Promise<void>
  clearFaults: () => Promise<void>
  requestLog: () => Promise<LoggedRequest[]>
}

/**
 * A failure the user can retry: what fails, what the editor says (its message and its error
 * event's code), what else holds while it has failed, and what lets the next try through. Each row
 * is one test: fault, type and save, the message, the typed value kept, the error event, the row's
 * own checks, recovery, saved.
 */
interface RetryableFailure {
  title: string
  fault: (rig: Rig) => Promise<void>
  message: string
  code: string
  failed?: (rig: Rig, editor: Editor) => Promise<void>
  recover: (rig: Rig, editor: Editor) => Promise<void>
  after?: (rig: Rig) => Promise<void>
}

const OFFLINE = 'Offline. It will save once online.'

const RETRYABLE: RetryableFailure[] = [
  {
    title: 'the backend answers 500: "Server error", the value stays, a retry saves',
    fault: ({ page, origin }) => failHandlerOnce(page, origin),
    message: 'Server error. Try again.',
    code: 'server',
    failed: async (_, editor) => {
      await expect(editor.host).toHaveJSProperty('status', 'error')
      await expect(editor.message).toBeFocused()
    },
    recover: (_, editor) => editor.save.click(),
  },
  {
    title: 'Clerk\'s Backend API is down: "Server error", the value stays, a retry saves',
    // Enough failures for the handler's own retry too.
    fault: ({ failNext }) =>
      failNext({ method: 'PATCH', path: '/api/v1/users/*/metadata', status: 503, times: 5 }),
    message: 'Server error. Try again.',
    code: 'server',
    failed: async ({ requestLog }) => {
      expect(wireOf(await requestLog()).metadata).toBeGreaterThanOrEqual(1)
    },
    recover: async ({ clearFaults }, editor) => {
      await clearFaults()
      await editor.save.click()
    },
  },
  {
    title: 'the connection fails: "Could not reach the server", the value stays, a retry saves',
    fault: async ({ page, origin }) => {
      await page.route(`${origin}${HANDLER_PATH}`, (route) => route.abort('connectionreset'), {
        times: 1,
      })
    },
    message: 'Could not reach the server. Try again.',
    code: 'network',
    recover: (_, editor) => editor.save.click(),
  },
  {
    title: 'offline: "Offline", the value stays, and it saves once back online',
    fault: ({ context }) => context.setOffline(true),
    message: OFFLINE,
    code: 'offline',
    failed: async ({ handler }, editor) => {
      await expect(editor.host).toHaveJSProperty('status', 'error')
      expect(handler.posts).toEqual([])
    },
    recover: ({ context }) => context.setOffline(false),
    after: async ({ handler }) => {
      expect(handler.posts).toHaveLength(1)
    },
  },
  {
    title: 'offline, a manual retry while still offline says so again and sends nothing',
    fault: ({ context }) => context.setOffline(true),
    message: OFFLINE,
    code: 'offline',
    failed: async ({ handler }, editor) => {
      await editor.save.click()
      await expect(editor.message).toHaveText(OFFLINE)
      await expectTypedValueKept(editor)
      expect(handler.posts).toEqual([])
    },
    recover: ({ context }) => context.setOffline(false),
  },
]

for (const row of RETRYABLE) {
  test(
    row.title,
    async ({ page, context, origin, editor, handler, failNext, clearFaults, requestLog }) => {
      const rig: Rig = { page, context, origin, handler, failNext, clearFaults, requestLog }
      const events = await recordEditorEvents(page)
      await row.fault(rig)
      await typeAndSave(editor)
      await expect(editor.message).toHaveText(row.message)
      await expectTypedValueKept(editor)
      expect(await events()).toContainEqual({
        type: 'birthday-editor-error',
        code: row.code,
        message: row.message,
      })
      await row.failed?.(rig, editor)

      await row.recover(rig, editor)
      await expectSaved(editor, page)
      await row.after?.(rig)
    },
  )
}

test('token minting fails after a successful write: saved, "will sync", and it syncs', async ({
  page,
  editor,
  failNext,
  clearFaults,
  requestLog,
}) => {
  const { events, messages } = await recordEditor(page)
  await failNext({ path: '/v1/client/sessions/*/tokens', status: 500, times: 20 })
  await typeAndSave(editor)
  // ClerkJS keeps retrying the mint; the editor stops waiting after its 5 s budget.
  await expect(editor.message).toHaveText('Saved. It will sync soon.', { timeout: 8000 })
  expect(await messages()).toEqual([...SAVE_MESSAGES.slice(0, -1), 'Saved. It will sync soon.'])
  await expect(editor.host).toHaveJSProperty('status', 'saved')
  await expectDate(editor, TYPED)
  await expect(editor.current).toHaveText('Saved: January 2, 1991')
  expect(await events()).toContainEqual({
    type: 'birthday-editor-saved',
    birthday: TYPED,
    verified: false,
  })
  expect(wireOf(await requestLog()).metadata).toBe(1)

  // Clerk is back: the next fresh token carries the value, and another save works as usual.
  await clearFaults()
  expect((await tokenClaims(page, { skipCache: true })).birthday).toBe(TYPED)
  await saveDate(editor, '1992-03-04')
  expect((await tokenClaims(page)).birthday).toBe('1992-03-04')
})
