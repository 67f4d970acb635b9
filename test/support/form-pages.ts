/**
 * The pages of the form journeys, for every engine. `NATIVE_FORM` is the body of a page that owns
 * its `<form>`: an element with `name` and `required` inside a `<fieldset>`, Reset and Submit, a
 * second element outside the form joined to it by the `form` attribute, and a link away for
 * back/forward. `test/e2e/form.spec.ts` serves it through Playwright's routes (`openJourney`);
 * WebDriver cannot route requests, so the WebKit journeys serve the same page as files beside a
 * copy of the built demo (`withFormPages`), under the same policy, Trusted Types policy and Clerk
 * tag (the demo server fills in `<!--clerk-js-->`).
 */
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { elementBundle, TRUSTED_TYPES } from './journey-page.ts'

/** Where a page's `<script>` finds the element in the README; the journeys serve the built bundle. */
export const ELEMENT_URL = 'https://your.cdn/birthday-editor/dist/birthday-editor.js'

/** The journey pages' own script (`/journey/load.js`): Clerk's tag is loaded, then `load()`. */
export const LOAD_CLERK = "addEventListener('load', () => Clerk.load())"

export const NATIVE_FORM = `
<script type="module" src="${ELEMENT_URL}"></script>
<main>
<h1>Profile</h1>
<form id="outer">
  <fieldset id="group">
    <legend>Profile</legend>
    <label for="bday">Date of birth</label>
    <birthday-editor id="bday" name="birthday" required></birthday-editor>
  </fieldset>
  <button type="reset">Reset</button>
  <button>Submit</button>
</form>
<birthday-editor id="outside" name="other" form="outer" input="native"></birthday-editor>
<a href="/journey/elsewhere.html">Elsewhere</a>
</main>
`

const page = (title: string, head: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<link rel="icon" href="data:,"><script src="/journey/trusted-types.js"></script>${head}` +
  `</head><body>${body}</body></html>`

/**
 * A copy of the built demo at `builtDemo` (in a new temporary folder, returned) with the
 * native-form page at `/journey/native-form.html`, the page its link leads to at
 * `/journey/elsewhere.html`, and their scripts. Serve it with `startBuiltDemo({ root })`.
 */
export async function withFormPages(builtDemo: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'birthday-editor-demo-'))
  await cp(builtDemo, root, { recursive: true })
  const files: Record<string, string> = {
    'native-form.html': page(
      'native form',
      '<!--clerk-js--><script src="/journey/load.js"></script>',
      NATIVE_FORM.replaceAll(ELEMENT_URL, '/journey/birthday-editor.js'),
    ),
    'elsewhere.html': page('elsewhere', '', '<main><h1>Elsewhere</h1></main>'),
    'trusted-types.js': TRUSTED_TYPES,
    'load.js': LOAD_CLERK,
    'birthday-editor.js': await elementBundle(),
  }
  await mkdir(join(root, 'journey'))
  for (const [name, text] of Object.entries(files))
    await writeFile(join(root, 'journey', name), text)
  return root
}
