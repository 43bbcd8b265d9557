// Writes dist/: the release builds of GOV.UK Frontend and MOJ Frontend from node_modules, their
// fonts and images, and our own small stylesheet and script from src/. Nothing is compiled
// here: both design systems ship minified CSS and ES modules, and our additions are plain CSS
// and JS, so the build is a copy. The Go binary embeds the result (see dist.go).
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, 'dist')
const govuk = join(here, 'node_modules/govuk-frontend/dist/govuk')
const moj = join(here, 'node_modules/@ministryofjustice/frontend/moj')

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })
for (const [from, to] of [
  [join(govuk, 'govuk-frontend.min.css'), 'govuk-frontend.min.css'],
  [join(govuk, 'govuk-frontend.min.js'), 'govuk-frontend.min.js'],
  [join(moj, 'moj-frontend.min.css'), 'moj-frontend.min.css'],
  [join(moj, 'moj-frontend.min.js'), 'moj-frontend.min.js'],
  // Both stylesheets refer to /assets/fonts and /assets/images; MOJ's images join GOV.UK's.
  [join(govuk, 'assets/fonts'), 'fonts'],
  [join(govuk, 'assets/images'), 'images'],
  [join(moj, 'assets/images'), 'images']
]) {
  cpSync(from, join(dist, to), { recursive: true })
}
// Our stylesheet is the src/*.css files in name order; our scripts are copied as they are.
const src = join(here, 'src')
const names = readdirSync(src).sort()
writeFileSync(join(dist, 'app.css'), names.filter((n) => n.endsWith('.css')).map((n) => readFileSync(join(src, n), 'utf8')).join('\n'))
for (const n of names.filter((n) => n.endsWith('.mjs'))) cpSync(join(src, n), join(dist, n))
writeFileSync(join(dist, '.built'), new Date().toISOString() + '\n')
