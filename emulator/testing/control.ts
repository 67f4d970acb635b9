/**
 * The emulator's control surface (`/__emulator/…`) as tests call it: JSON in, JSON out, and an
 * error naming the call and the answer unless the answer is 2xx. `base` is wherever the emulator
 * answers: its URL, its printed proxy URL, or a page origin + `/__clerk` where a server mounts it.
 */
export async function control<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${base}/__emulator/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  })
  if (!response.ok) {
    throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`)
  }
  return (await response.json()) as T
}
