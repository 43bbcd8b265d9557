// The main journey of each role, end to end in Chromium with JavaScript on, as one life of a
// recommendation on one server: the panel member records a review with two recommendations, the
// agency editor finds the first by search and responds, adds an action, attaches evidence and
// claims completion, and the oversight officer (signing in with an authenticator app) verifies
// the evidence and the claim and closes it after checking the answers. Every page and state the
// journeys reach, including each form submitted empty once, must pass axe-core; the search and
// recommendation pages must not scroll sideways at 320 px. journeys-nojs.test.mjs runs the same
// journeys with JavaScript off.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, checkNoHorizontalScroll, newContext, setup, signIn } from './harness.mjs'
import { agencyDoesTheWork, evidenceFile, oversightCloses, panelRecordsReview, searchWithTwoFilters, story } from './journey-steps.mjs'

setup()

// Every page a journey reaches is checked with axe-core, once per distinct name.
const seen = new Set()
async function visit (page, name) {
  if (seen.has(name)) return // the same page in the same state: checked once is enough
  try {
    await checkAxe(page)
  } catch (e) {
    e.message = `${name}: ${e.message}`
    throw e
  }
  seen.add(name)
}

let reviewPath, recPath, searchPath

// At 320 px wide (WCAG 1.4.10 reflow) the pages must not scroll sideways, and still pass axe-core
// (the filter panel is behind "Show filter", tables stack). Done in the journey's own page, at a
// narrow size, so no second sign-in (and no wait for a fresh authenticator code) is needed.
async function checkReflow (page, paths) {
  const wide = page.viewportSize()
  await page.setViewportSize({ width: 320, height: 640 })
  const failures = []
  for (const path of paths) {
    await page.goto(path)
    assert.equal(await page.evaluate(() => window.innerWidth), 320)
    try {
      await checkNoHorizontalScroll(page)
      await checkAxe(page)
    } catch (e) {
      failures.push(`${path}: ${e.message}`)
    }
  }
  await page.setViewportSize(wide)
  assert.deepEqual(failures, [], 'at 320 px wide')
}

// A step that waits this long has failed: say so quickly rather than after Playwright's 30 s.
async function open (ctx) {
  ctx.setDefaultTimeout(10000)
  return ctx.newPage()
}

test('a panel member records a review with two recommendations, using "Save and add another recommendation"', async () => {
  const page = await open(await newContext())
  await signIn(page, 'panel')
  reviewPath = await panelRecordsReview(page, visit, { errors: true })
  // And finds the new recommendations by search.
  await searchWithTwoFilters(page, visit, {
    q: 'stalking',
    filters: [['Partnership', 'Eastmere Community Safety Partnership'], ['Year issued', String(new Date().getFullYear())]]
  })
  for (const r of story.recs) assert.equal(await page.getByRole('link', { name: r.title, exact: true }).count(), 1)
})

test('an agency editor finds the recommendation by search, responds, adds an action, attaches evidence and claims completion', async () => {
  assert.ok(reviewPath, 'the panel member\'s journey did not run')
  const page = await open(await newContext())
  await signIn(page, 'agency_editor')
  ;({ recPath, searchPath } = await agencyDoesTheWork(page, visit, { errors: true, file: evidenceFile('pdf') }))
  await checkReflow(page, ['/', searchPath, recPath])
})

test('an oversight officer signs in with an authenticator app, verifies the evidence and the claim, and closes the recommendation', async () => {
  assert.ok(recPath, 'the agency editor\'s journey did not run')
  const page = await open(await newContext())
  await signIn(page, 'oversight') // sets up the authenticator app: password, then a code
  await oversightCloses(page, visit, { errors: true, recPath })
  await checkReflow(page, ['/', recPath]) // the work lists of oversight: evidence and organisations
})

test('every distinct page of the journeys was checked', () => {
  console.log(`# axe-core found no violations on ${seen.size} pages and states:\n#   ${[...seen].join('\n#   ')}`)
  assert.ok(seen.size >= 30, `only ${seen.size} pages checked`)
})
