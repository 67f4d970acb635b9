/**
 * The shadow styles of `<birthday-editor>`: CSS text and one lazily built, shared constructable
 * stylesheet, adopted by every instance. No `<style>` element and no inline style, so the element
 * works under `style-src 'self'`. Defaults follow the page's font and colour scheme; custom properties are read with fallbacks, so a
 * page sets them on the element or any ancestor.
 */

const css = `\
:host{display:block;color-scheme:light dark}\
:host([hidden]),[hidden]{display:none!important}\
form{display:flex;flex-wrap:wrap;align-items:center;gap:var(--birthday-editor-gap,.5rem)}\
p{flex-basis:100%;margin:0}\
#message{min-height:1lh}\
input,button{font:inherit}\
fieldset{display:grid;grid:auto auto/auto-flow;justify-content:start;gap:.25rem var(--birthday-editor-gap,.5rem);border:0;margin:0;padding:0}\
legend{padding:0;margin-bottom:.25rem}\
#day,#month{width:4.5ch}\
#year{width:6.5ch}\
:host(:state(error)) #message,:host(:state(user-invalid)) #message{color:var(--birthday-editor-error,light-dark(#b3261e,#f2b8b5))}\
[aria-invalid=true]{border:2px solid var(--birthday-editor-error,light-dark(#b3261e,#f2b8b5))}`

let sheet: CSSStyleSheet | undefined

/** The one stylesheet all instances adopt, built on first use (never at import). */
export function styles(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
  }
  return sheet
}
