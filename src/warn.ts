/** Console warnings for the page's developer (never shown to users), each at most once per page. */

/** The warnings given so far, by key (tests clear it). */
export const warned = new Set<string>()

export function warnOnce(key: string, text: string): void {
  if (warned.has(key)) return
  warned.add(key)
  console.warn('<birthday-editor>: ' + text)
}
