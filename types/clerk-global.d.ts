/**
 * `window.Clerk` as ClerkJS's own `Clerk` type, for pages that load Clerk by its script tag: opt in
 * once with `import type {} from 'birthday-editor/clerk-global'`. It needs `@clerk/clerk-js` (5 or 6)
 * installed for its types only; nothing of ClerkJS runs or is bundled. No other entry of the package
 * refers to this file, so a project that does not import it gets no ClerkJS types from us.
 *
 * @example
 * import type {} from 'birthday-editor/clerk-global'
 * await window.Clerk?.load()
 */
import type { Clerk } from '@clerk/clerk-js'

declare global {
  interface Window {
    /** Set by Clerk's browser bundle (`clerk.browser.js`); absent until it has run. */
    Clerk?: Clerk
  }
}

export {}
