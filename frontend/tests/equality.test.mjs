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
}
