// Express 5: toNodeListener turns the handler into Express's (req, res).
import express from 'express'
import { createBirthdayHandler } from 'birthday-editor/server'
import { toNodeListener } from 'birthday-editor/server/node'

const app = express()
app.use(express.json()) // optional: the handler reads the body either way
app.all('/api/update-user-metadata', toNodeListener(createBirthdayHandler()))

export const server = app.listen(Number(process.env.PORT ?? 8787), '127.0.0.1')
