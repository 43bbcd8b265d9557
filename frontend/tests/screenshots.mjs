// `make screenshots`: starts the demo server (fictional data only), signs in, and writes
// full-page screenshots at 1280 px wide into docs/screenshots/ for the README. Not a test: it
// fails only when the server or browser cannot start.
//
//   cd frontend && node tests/screenshots.mjs [name …]     (default: every shot below)
//
// A screen that is not built yet answers 404: then the shot shows the home page instead, and
// says so.
import { mkdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Harness } from './harness.mjs'

// Who takes the pictures (any demo role: admin, oversight, panel, agency_editor, viewer).
const ROLE = process.env.SCREENSHOT_ROLE || 'oversight'
const WIDTH = 1280

// name → the page to shoot: a path, or a function of the signed-in page returning one.
const SHOTS = {
  search: '/search?q=risk+assessment&type=DHR',
  // The first demo recommendation, found through the JSON API with the same session.
  recommendation: async (page) => {
    const res = await page.request.get('/api/v1/recommendations?limit=1')
    if (!res.ok()) throw new Error(`GET /api/v1/recommendations: ${res.status()} ${await res.text()}`)
    const { items } = await res.json()
    if (!items?.length) throw new Error('the demo data has no recommendations')
    return `/recommendations/${items[0].id}`
  },
  work: '/'
}

const here = dirname(fileURLToPath(import.meta.url))
const outDir = join(here, '../../docs/screenshots')

const wanted = process.argv.slice(2)
for (const name of wanted) {
  if (!SHOTS[name]) throw new Error(`no shot named ${name} (have ${Object.keys(SHOTS).join(', ')})`)
}

const h = await Harness.start()
try {
  mkdirSync(outDir, { recursive: true })
  const ctx = await h.newContext({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 })
  const page = await ctx.newPage()
  await h.signIn(page, ROLE)
  for (const [name, target] of Object.entries(SHOTS)) {
    if (wanted.length && !wanted.includes(name)) continue
    const url = typeof target === 'function' ? await target(page) : target
    let res = await page.goto(url)
    let note = ''
    if (res.status() === 404) {
      note = ` (${url} is not built yet: showing the home page)`
      res = await page.goto('/')
    }
    if (!res.ok()) throw new Error(`${name}: GET ${page.url()} answered ${res.status()}`)
    await page.evaluate(() => document.fonts.ready)
    const file = join(outDir, `${name}.png`)
    await page.screenshot({ path: file, fullPage: true })
    console.log(`${relative(process.cwd(), file)}: ${new URL(page.url()).pathname}${new URL(page.url()).search}${note}`)
  }
  await h.checkContexts()
} finally {
  await h.stop()
}
