/**
 * The demo's pictures: signed in, at a phone's width (390 px) and a laptop's (1280 px), saved as
 * test artifacts per engine (`test-results/`, attached to the report) for a person to look at. The
 * WebKit run saves its own (`test/webkit/journeys.webkit.ts`). Nothing about the pixels is
 * asserted beyond the layout's one rule: no horizontal scrolling at either width.
 */
import { editorOf, expect, test } from '../support/demo-fixtures.ts'

for (const width of [390, 1280]) {
  test(`the demo at ${width} px, saved as a picture`, async ({
    page,
    signIn,
    policyViolations,
  }, testInfo) => {
    await page.setViewportSize({ width, height: 900 })
    await signIn(page)
    await expect(editorOf(page).current).toHaveText('Saved: December 10, 1990')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    )
    const path = testInfo.outputPath(`demo-${testInfo.project.name}-${width}.png`)
    const before = policyViolations.length
    await page.screenshot({ path, caret: 'initial', animations: 'allow' })
    // Over WebDriver BiDi, Playwright's screenshot adds an inline <style> of its own from an
    // evaluated script (Firefox reports it "… > eval"), which the demo's policy refuses: that one,
    // and only that one, is the driver's, not the page's.
    const during = policyViolations.splice(before)
    const driverOwn = (text: string) =>
      /style-src-elem blocked inline at .*eval/.test(text) || /blocked an inline style/.test(text)
    expect(during.filter((violation) => !driverOwn(violation.text))).toEqual([])
    await testInfo.attach(`demo at ${width} px`, { path, contentType: 'image/png' })
  })
}
