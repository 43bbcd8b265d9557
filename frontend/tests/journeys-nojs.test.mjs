// The same life of a recommendation as journeys.test.mjs, with JavaScript off in every browser:
// the panel member records a review with two recommendations ("Save and add another
// recommendation"), the agency editor responds, adds an action, attaches evidence (a text file)
// and claims completion, and the oversight officer verifies the evidence and the claim and closes
// the recommendation through the check-answers page. Plain HTML forms, POST/redirect/GET, and
// conditional reveals that show their content without a script.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newContext, setup, signIn } from './harness.mjs'
import { agencyDoesTheWork, evidenceFile, oversightCloses, panelRecordsReview } from './journey-steps.mjs'

setup()

const noJS = { javaScriptEnabled: false }
let reviewPath, recPath

async function open () {
  const ctx = await newContext(noJS)
  ctx.setDefaultTimeout(10000)
  const page = await ctx.newPage()
  return page
}

// With scripts off axe-core cannot run in the page (journeys.test.mjs checks every page with
// them on); here each page is checked to have run no script at all.
async function visit (page, name) {
  assert.doesNotMatch(await page.locator('body').getAttribute('class'), /js-enabled/, `${name}: a script ran`)
}

test('without JavaScript, a panel member records a review with two recommendations', async () => {
  const page = await open()
  await signIn(page, 'panel')
  reviewPath = await panelRecordsReview(page, visit, { js: false, errors: true })
})

test('without JavaScript, an agency editor responds, adds an action, attaches evidence and claims completion', async () => {
  assert.ok(reviewPath, 'the panel member\'s journey did not run')
  const page = await open()
  await signIn(page, 'agency_editor')
  ;({ recPath } = await agencyDoesTheWork(page, visit, { js: false, errors: true, file: evidenceFile('txt') }))
})

test('without JavaScript, an oversight officer verifies the evidence and the claim and closes the recommendation', async () => {
  assert.ok(recPath, 'the agency editor\'s journey did not run')
  const page = await open()
  await signIn(page, 'oversight')
  await oversightCloses(page, visit, { js: false, errors: true, recPath })
})
