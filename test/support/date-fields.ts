/**
 * The element's three memorable-date fields from a page of any app (the example apps, the
 * quickstart), by their parts: the demo's own journeys use `editorOf()` in demo-fixtures.ts.
 */
import { expect, type Locator } from '@playwright/test'
import { isoTexts, PARTS } from '../../src/memorable-date.ts'

/** Fills the element's three memorable-date fields with an ISO date, then leaves them (commit). */
export async function fillDateIn(host: Locator, iso: string): Promise<void> {
  const texts = isoTexts(iso)
  for (const part of PARTS) await host.locator(`[part="${part}"]`).fill(texts[part])
  await host.locator('[part="year"]').blur()
}

/** The element's three memorable-date fields show this ISO date. */
export async function expectDateIn(host: Locator, iso: string): Promise<void> {
  const texts = isoTexts(iso)
  for (const part of PARTS) await expect(host.locator(`[part="${part}"]`)).toHaveValue(texts[part])
}

/** How a save ended: the element's `birthday-editor-saved`, or the error event that replaced it. */
export type SaveOutcome =
  { birthday: string | null; verified: boolean } | { code: string; message: string }

/**
 * Types an ISO date into the element's fields and presses Save, as a user does; resolves with how
 * the save ended, so a failed save names its error code instead of timing out.
 */
export async function saveDateIn(host: Locator, iso: string): Promise<SaveOutcome> {
  const outcome = host.evaluate(
    (el) =>
      new Promise<SaveOutcome>((resolve) => {
        el.addEventListener('birthday-editor-saved', (event) => {
          const { birthday, verified } = event as unknown as { birthday: string; verified: boolean }
          resolve({ birthday, verified })
        })
        el.addEventListener('birthday-editor-error', (event) => {
          const { code, message } = event as unknown as { code: string; message: string }
          resolve({ code, message })
        })
      }),
  )
  await fillDateIn(host, iso)
  await host.locator('[part="save-button"]').click()
  return outcome
}
