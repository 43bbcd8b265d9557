// Equality monitoring (issue 15 §2), with JavaScript off and on: the demo panel member records a
// subject of a review (an error at the field first), then the demo oversight officer answers
// "are recommendations about Black and minoritised victims closed as fast as the others?" for
// the demo area, to share. With JavaScript on, axe-core checks every page (axe needs scripts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe as axe, contextAs, setup } from './harness.mjs'

setup()

for (const js of [false, true]) {
  const checkAxe = js ? axe : async () => {}
  const how = js ? 'with JavaScript' : 'without JavaScript'

test(`the panel records a subject of a review, ${how}`, async () => {
  const page = await (await contextAs('panel', { javaScriptEnabled: js })).newPage()
  await page.goto('/reviews')
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /EM-DHR-2021-02/ }).first().click()])
  assert.equal(await page.locator('#subject-links').count(), 1, 'the Subjects section is missing')
  await checkAxe(page)
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Add a subject' }).click()])
  await checkAxe(page)
  await page.locator('#ethnicity').selectOption('black_caribbean')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save subject' }).click()])
  assert.match(await page.locator('.govuk-error-summary').textContent(), /Select who the subject is/)
  assert.equal(await page.locator('#ethnicity').inputValue(), 'black_caribbean', 'the form forgot what was chosen')
  await checkAxe(page)
  await page.getByLabel('Victim', { exact: true }).check()
  await page.locator('#age_band').selectOption('25_34')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save subject' }).click()])
  assert.match(await page.locator('main').textContent(), /25 to 34/)
  assert.match(await page.locator('.govuk-warning-text').textContent(), /recorded in the audit trail/)
  await checkAxe(page)
})

test(`oversight compares closure for Black and minoritised victims with the rest, to share, ${how}`, async () => {
  const page = await (await contextAs('oversight', { javaScriptEnabled: js })).newPage()
  await page.goto('/equality')
  await checkAxe(page)
  await page.locator('#partnership').selectOption({ label: 'Eastmere Community Safety Partnership' })
  await page.getByLabel(/To share/).check()
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show figures' }).click()])
  const url = new URL(page.url())
  assert.equal(url.searchParams.get('disclosure'), 'shareable')
  assert.deepEqual(url.searchParams.getAll('group'), ['black_minoritised'])
  const rows = page.locator('#closure-table tbody tr')
  assert.equal(await rows.count(), 3)
  assert.match(await rows.nth(0).textContent(), /Black and minoritised/)
  assert.equal(await page.locator('#disproportionality-table').count(), 1, 'no comparison with the baseline')
  await checkAxe(page)
  await page.goto('/explore?rows=subject_minoritised&cols=oversight&disclosure=shareable')
  await checkAxe(page)
})

test(`oversight builds a thematic summary about Black and minoritised victims, saves it and runs it again, ${how}`, async () => {
  const page = await (await contextAs('oversight', { javaScriptEnabled: js })).newPage()
  await page.goto('/summaries/new')
  await checkAxe(page)
  const title = `About Black and minoritised victims (${how})`
  await page.getByLabel('Title').fill(title)
  const section = page.getByLabel(/By protected characteristic \(people at the centre/)
  assert.equal(await section.isChecked(), false, 'the section by characteristic is ticked by default')
  // The subject filter is folded away until asked for.
  const people = page.locator('details.app-subject-filter')
  await people.locator(':scope > summary').click()
  await people.getByRole('group', { name: 'Black and minoritised' }).getByRole('checkbox', { name: 'Black and minoritised' }).check()
  await section.check()
  await page.getByLabel('Against', { exact: true }).selectOption('theme_group')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show the summary' }).click()])
  const url = new URL(page.url())
  assert.deepEqual(url.searchParams.getAll('subject_minoritised'), ['black_minoritised'])
  assert.equal(url.searchParams.get('equality_rows'), 'subject_minoritised')
  const table = page.locator('table[data-table="By black and minoritised"]')
  assert.equal(await table.count(), 1, 'no table by characteristic')
  assert.match(await table.locator('caption').textContent(), /Black and minoritised by theme group/)
  const headline = await page.locator('table[data-table="Headline"] tbody tr').first().locator('td').textContent()
  assert.ok(Number(headline) > 0, 'the demo has no recommendations about Black and minoritised victims')
  await checkAxe(page)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save this summary' }).click()])
  const row = page.locator('#saved-summaries tr', { hasText: title }).first()
  await Promise.all([page.waitForNavigation(), row.getByRole('link', { name: /Run again/ }).click()])
  assert.equal(await page.locator('table[data-table="Headline"] tbody tr').first().locator('td').textContent(), headline, 'run again counts otherwise')
  assert.equal(await page.locator('table[data-table="By black and minoritised"]').count(), 1, 'run again lost the section')
  // Changing it brings the filter back ticked.
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Change the summary' }).click()])
  assert.equal(await page.locator('input[name="subject_minoritised"][value="black_minoritised"]').isChecked(), true)
  assert.equal(await page.locator('details.app-subject-filter').getAttribute('open'), '')
  await checkAxe(page)
})
}
