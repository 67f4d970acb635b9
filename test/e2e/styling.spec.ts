/**
 * Styling: a page's own stylesheet reaches into the editor through its public hooks, `::part()`,
 * `:state()` and the `--birthday-editor-*` custom properties, and the computed styles follow the
 * state. The stylesheet is same-origin (the demo's policy forbids inline styles), served here by a
 * route.
 */
import type { Page } from '@playwright/test'
import { editorOf, expect, fillDate, HANDLER_PATH, test } from '../support/demo-fixtures.ts'

const HOOKS_CSS = `
html birthday-editor::part(save-button) { border-radius: 7px; }
html birthday-editor::part(label) { letter-spacing: 2px; }
html birthday-editor:state(signed-out) { outline: 3px solid rgb(1, 1, 1); }
html birthday-editor:state(idle)::part(message) { color: rgb(0, 0, 200); }
html birthday-editor:state(saving)::part(form) { opacity: 0.5; }
html birthday-editor:state(refreshing)::part(form) { opacity: 0.75; }
html birthday-editor:state(saved)::part(message) { color: rgb(0, 120, 0); }
html birthday-editor:state(user-invalid)::part(day) { outline: 2px solid rgb(200, 0, 0); }
html birthday-editor.custom { --birthday-editor-gap: 21px; --birthday-editor-error: rgb(150, 0, 150); }
`

/** Links `/e2e-hooks.css` (answered by a route on the page's origin) and waits for it to apply. */
async function linkHooks(page: Page, origin: string): Promise<void> {
  await page.route(`${origin}/e2e-hooks.css`, (route) =>
    route.fulfill({ contentType: 'text/css', body: HOOKS_CSS }),
  )
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const link = Object.assign(document.createElement('link'), {
          rel: 'stylesheet',
          href: '/e2e-hooks.css',
        })
        link.addEventListener('load', () => resolve())
        link.addEventListener('error', () => reject(new Error('the stylesheet did not load')))
        document.head.append(link)
      }),
  )
}

test('::part and :state() hooks style the editor in each state', async ({
  page,
  origin,
  signIn,
  failNext,
}) => {
  await page.goto(`${origin}/`)
  await linkHooks(page, origin)
  const editor = editorOf(page)

  await signIn(page)
  await expect(editor.save).toHaveCSS('border-radius', '7px')
  await expect(editor.host.locator('[part="label"]')).toHaveCSS('letter-spacing', '2px')
  await expect(editor.message).toHaveCSS('color', 'rgb(0, 0, 200)')

  await fillDate(editor, '1899-12-31')
  await expect(editor.day).toHaveCSS('outline-color', 'rgb(200, 0, 0)')
  await fillDate(editor, '1991-01-02')
  await expect(editor.day).not.toHaveCSS('outline-color', 'rgb(200, 0, 0)')

  // A slow Backend API holds the save in `saving` long enough to see it.
  await failNext({ method: 'PATCH', path: '/api/v1/users/*/metadata', delayMs: 1500 })
  await editor.save.click()
  await expect(editor.form).toHaveCSS('opacity', '0.5')
  await expect(editor.message).toHaveText('Saved.')
  await expect(editor.form).toHaveCSS('opacity', '1')
  await expect(editor.message).toHaveCSS('color', 'rgb(0, 120, 0)')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(editor.host).toHaveJSProperty('status', 'signed-out')
  await expect(editor.host).toHaveCSS('outline-color', 'rgb(1, 1, 1)')
})

test('custom properties set the gap and the error colour', async ({ page, origin, signIn }) => {
  await page.goto(`${origin}/`)
  await linkHooks(page, origin)
  const editor = editorOf(page)
  await signIn(page)

  await editor.host.evaluate((host) => host.classList.add('custom'))
  await expect(editor.form).toHaveCSS('column-gap', '21px')
  await page.route(`${origin}${HANDLER_PATH}`, (route) => route.fulfill({ status: 500 }), {
    times: 1,
  })
  await fillDate(editor, '1991-01-02')
  await editor.save.click()
  await expect(editor.message).toHaveText('Server error. Try again.')
  await expect(editor.message).toHaveCSS('color', 'rgb(150, 0, 150)')

  // Without the custom property, the default error colour applies (#b3261e in a light scheme).
  await editor.host.evaluate((host) => host.classList.remove('custom'))
  await expect(editor.message).toHaveCSS('color', 'rgb(179, 38, 30)')
})

test('the field at fault wears a border in the error colour; the others do not', async ({
  page,
  origin,
  signIn,
}) => {
  await page.goto(`${origin}/`)
  await linkHooks(page, origin)
  const editor = editorOf(page)
  await signIn(page)

  await fillDate(editor, '1991-02-31')
  await expect(editor.message).toHaveText('Birthday must be a real date.')
  await expect(editor.day).toHaveCSS('border-top-width', '2px')
  await expect(editor.day).toHaveCSS('border-top-color', 'rgb(179, 38, 30)')
  await expect(editor.month).not.toHaveCSS('border-top-color', 'rgb(179, 38, 30)')
  await expect(editor.year).not.toHaveCSS('border-top-color', 'rgb(179, 38, 30)')
  await editor.host.evaluate((host) => host.classList.add('custom'))
  await expect(editor.day).toHaveCSS('border-top-color', 'rgb(150, 0, 150)')

  await fillDate(editor, '1991-02-28')
  await expect(editor.day).not.toHaveCSS('border-top-color', 'rgb(150, 0, 150)')
})
