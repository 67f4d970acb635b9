// The quickstart page and the handler on one origin, with only this package and Node: run it with
// the emulator's printed lines (or your instance's keys) in the environment.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { createBirthdayHandler } from 'birthday-editor/server'
import { toNodeListener } from 'birthday-editor/server/node'

const env = process.env
for (const name of ['CLERK_PUBLISHABLE_KEY', 'CLERK_PROXY_URL']) {
  if (!env[name]) throw new Error(`${name} is not set: start with the emulator's printed lines`)
}
const page = readFileSync(new URL('index.html', import.meta.url), 'utf8')
  .replaceAll('YOUR_PROXY_URL', env.CLERK_PROXY_URL)
  .replaceAll('YOUR_PUBLISHABLE_KEY', env.CLERK_PUBLISHABLE_KEY)
  .replace('https://your.cdn/birthday-editor/dist/birthday-editor.js', '/birthday-editor.js')
const element = readFileSync(fileURLToPath(import.meta.resolve('birthday-editor/bundle')))
const handler = toNodeListener(createBirthdayHandler())

const server = createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost')
  if (pathname === '/api/update-user-metadata') return void handler(req, res)
  if (pathname === '/birthday-editor.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(element)
  } else if (pathname === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page)
  } else {
    res.writeHead(404).end()
  }
})
// `localhost`, the host name ClerkJS's client cookie is set for by the emulator.
server.listen(Number(env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`quickstart on http://localhost:${server.address().port}`)
})
