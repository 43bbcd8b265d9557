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

const WIDTH = 1280

// name → who takes it (a demo role: admin, oversight, panel, agency_editor, viewer) and the page
// to shoot: a path, or a function of the signed-in page returning one. SCREENSHOT_ROLE makes one
// role take every picture.
const SHOTS = {
  search: { role: 'panel', target: '/search?q=risk+assessment&type=DHR' },
  // A demo recommendation, found through the JSON API with the same session.
  recommendation: { role: 'oversight', target: async (page) => {
    // One whose whole life is recorded: responded, acted on, verified and closed.
    const res = await page.request.get('/api/v1/recommendations?oversight_status=closed_acceptable_action&limit=1')
    if (!res.ok()) throw new Error(`GET /api/v1/recommendations: ${res.status()} ${await res.text()}`)
    const { items } = await res.json()
    if (!items?.length) throw new Error('the demo data has no recommendations')
    return `/recommendations/${items[0].id}`
  } },
  // The agency editor's own work list.
  work: { role: 'agency_editor', target: '/' }
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
  const pages = {}
  for (const [name, shot] of Object.entries(SHOTS)) {
    if (wanted.length && !wanted.includes(name)) continue
    const role = process.env.SCREENSHOT_ROLE || shot.role
    if (!pages[role]) {
      const ctx = await h.newContext({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 })
      pages[role] = await ctx.newPage()
      await h.signIn(pages[role], role)
    }
    const page = pages[role]
    const target = shot.target
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
