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
