// Recommendations drawn from a review's report (issue 17 §2): a panel member records a review,
// uploads the fictional sample report from docs/samples, checks the proposed recommendations
// (leaving one out, merging two) and adds them; the review then lists its report and a
// recommendation names the page it came from. Once without JavaScript (plain forms, POST and
// re-render), once with it and axe on every page of the journey.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { checkAxe, newContext, setup, signIn } from './harness.mjs'
import { expectBanner, expectErrors, follow, press } from './journey-steps.mjs'

setup()

const samples = join(dirname(fileURLToPath(import.meta.url)), '../../docs/samples')

// The sample as a PDF when the machine has pdftotext (the server finds it the same way), else
// as the Word document with the same text.
function sample () {
  let pdf = true
  try { execFileSync('pdftotext', ['-v'], { stdio: 'ignore' }) } catch { pdf = false }
  const name = pdf ? 'dhr-mr-b-fictional.pdf' : 'dhr-mr-b-fictional.docx'
  const mimeType = pdf ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
  return { name, mimeType, buffer: readFileSync(join(samples, name)) }
}

async function recordReview (page, reference, visit) {
  await page.goto('/reviews/new')
  await page.getByLabel('Type of review').selectOption('DHR')
  await page.getByLabel('Partnership', { exact: true }).selectOption({ label: 'Eastmere Community Safety Partnership' })
  await page.getByLabel('Reference', { exact: true }).fill(reference)
  await page.getByLabel('Title or pseudonym').fill('Mr B')
  await page.getByRole('group', { name: 'Status' }).getByLabel('In progress').check()
  await page.getByLabel('Shared with all users').check()
  await press(page, 'Record review')
  await expectBanner(page, new RegExp(`Review ${reference} recorded`))
  await visit(page, 'review page before the report')
  return new URL(page.url()).pathname
}

async function journey (page, visit, { js, reference }) {
  const reviewPath = await recordReview(page, reference, visit)
  await follow(page, 'Add recommendations from the report')
  assert.equal(new URL(page.url()).pathname, reviewPath + '/report')
  await visit(page, 'report upload form')
  await press(page, 'Find the recommendations')
  const msgs = await expectErrors(page, { js })
  assert.ok(msgs.some((m) => /Select the review’s report/.test(m)), `no error about the missing file: ${msgs}`)
  await visit(page, 'report upload form with an error')

  await page.getByLabel('The review’s report').setInputFiles(sample())
  await press(page, 'Find the recommendations')
  assert.match(new URL(page.url()).pathname, /^\/reports\/[0-9a-f-]{36}\/proposals$/)
  await visit(page, 'proposals form')
  const sections = page.locator('section.app-proposal')
  assert.equal(await sections.count(), 5, 'five recommendations are proposed')
  assert.equal(await page.locator('#proposals-0-number').inputValue(), '1')
  assert.match(await page.locator('#proposals-0-text').inputValue(), /^Eastmere and Vale Police should make sure that every DASH risk assessment/)
  assert.equal(await page.locator('#proposals-3-page').inputValue(), '4')
  assert.ok(await sections.nth(0).getByLabel('Eastmere and Vale Police').isChecked(), 'recommendation 1 is addressed to the police')
  // With JavaScript, the long list of organisations gets a filter (autocomplete.mjs); without, it is a plain select.
  assert.equal(await page.locator('#proposals-0-org-add-filter').count(), js ? 1 : 0)

  // A split without its marker is explained at the field.
  await press(page, 'Split recommendation 1 at ---')
  const splitMsgs = await expectErrors(page, { js })
  assert.ok(splitMsgs.some((m) => /type --- on a line of its own/.test(m)), `no split explanation: ${splitMsgs}`)
  await visit(page, 'proposals form with an error')

  // Leave out the fifth, merge the fourth into the third, and add them.
  await page.getByRole('region', { name: /Recommendation 5/ }).getByLabel('Do not add this one').check()
  await press(page, 'Merge with the next one (recommendation 3)')
  assert.equal(await sections.count(), 4)
  assert.match(await page.locator('#proposals-notice').textContent(), /Recommendation 3 now includes the text of 4/)
  assert.match(await page.locator('#proposals-2-text').inputValue(), /repairs staff/)
  assert.ok(await page.locator('#proposals-3-drop').isChecked(), 'the fifth stays left out after the merge')
  await visit(page, 'proposals form after a merge')
  await press(page, 'Add these recommendations')
  await expectBanner(page, /3 recommendations added from the report/)
  assert.equal(new URL(page.url()).pathname, reviewPath)
  await visit(page, 'review page with its report')
  assert.equal(await page.locator('#report-downloads a[download]').count(), 1)
  assert.match(await page.locator('#recommendations').textContent(), /3 recommendations/)

  await page.getByRole('link', { name: /Hollowbrook Hospitals NHS Foundation Trust should ask/ }).click()
  await page.waitForLoadState('load')
  assert.equal((await page.locator('#recommendation-source').textContent()).trim(), 'From the report, page 3')
  await visit(page, 'recommendation from the report')
}

test('without JavaScript, a panel member adds the recommendations of a report', async () => {
  const ctx = await newContext({ javaScriptEnabled: false })
  ctx.setDefaultTimeout(15000)
  const page = await ctx.newPage()
  await signIn(page, 'panel')
  const visit = async (page, name) => {
    assert.doesNotMatch(await page.locator('body').getAttribute('class'), /js-enabled/, `${name}: a script ran`)
  }
  await journey(page, visit, { js: false, reference: 'EM-DHR-2026-11' })
})

test('with JavaScript, every page of the journey passes axe', async () => {
  const ctx = await newContext()
  ctx.setDefaultTimeout(15000)
  const page = await ctx.newPage()
  await signIn(page, 'panel')
  const visit = async (page, name) => {
    try {
      await checkAxe(page)
    } catch (e) {
      e.message = `${name}: ${e.message}`
      throw e
    }
  }
  await journey(page, visit, { js: true, reference: 'EM-DHR-2026-12' })
})
