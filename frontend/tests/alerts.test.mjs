// Saved searches and follows (issue 18 §3), with JavaScript off: a viewer saves a search from
// the results page, finds it on their account page, watches it and stops, renames and deletes
// it, and follows a recommendation; then, with scripts on, the same pages pass axe.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, contextAs, setup } from './harness.mjs'

setup()

const noJS = { javaScriptEnabled: false }

async function submit (page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()])
}

test('without JavaScript, a viewer saves a search, manages it on their account page and follows a recommendation', async () => {
  const page = await (await contextAs('viewer', noJS)).newPage()
  await page.goto('/search?q=stalking')
  assert.doesNotMatch(await page.locator('body').getAttribute('class'), /js-enabled/, 'a script ran')

  // A name is required: the error is summarised and shown at the field.
  await submit(page, page.getByRole('button', { name: 'Save this search' }))
  assert.equal(new URL(page.url()).pathname, '/account/searches')
  assert.match(await page.locator('.govuk-error-summary').textContent(), /Enter a name for the search/)
  await page.getByLabel('Name').fill('Stalking')
  await page.getByLabel('Tell me when new or changed recommendations match it').check()
  await submit(page, page.getByRole('button', { name: 'Save', exact: true }))
  assert.equal(new URL(page.url()).pathname, '/account')
  const row = page.locator('#saved-search-list tbody tr').filter({ hasText: 'Stalking' })
  assert.equal(await row.count(), 1, 'the saved search is not listed on the account page')
  assert.equal(await row.locator('td').nth(1).textContent(), 'Yes')
  assert.equal(await row.getByRole('link', { name: 'Stalking', exact: true }).getAttribute('href'), '/search?q=stalking')

  await submit(page, row.getByRole('button', { name: /Stop watching/ }))
  assert.equal(await page.locator('#saved-search-list tbody tr').filter({ hasText: 'Stalking' }).locator('td').nth(1).textContent(), 'No')

  await submit(page, page.locator('#saved-search-list').getByRole('link', { name: /Rename/ }).first())
  await page.getByLabel('Name').fill('Stalking, every review')
  await submit(page, page.getByRole('button', { name: 'Save', exact: true }))
  assert.match(await page.locator('#saved-search-list').textContent(), /Stalking, every review/)

  // Saving from the results page keeps the search as asked (here with its order).
  await page.goto('/search?q=stalking&sort=oldest')
  await page.getByLabel('Save this search').fill('Stalking, oldest first')
  await submit(page, page.getByRole('button', { name: 'Save this search' }))
  assert.equal(await page.locator('#saved-search-list').getByRole('link', { name: 'Stalking, oldest first', exact: true }).getAttribute('href'), '/search?q=stalking&sort=oldest')
  await submit(page, page.locator('#saved-search-list tbody tr').filter({ hasText: 'Stalking, oldest first' }).getByRole('button', { name: /Delete/ }))
  assert.equal(await page.locator('#saved-search-list').getByRole('link', { name: 'Stalking, oldest first', exact: true }).count(), 0)

  // Follow a recommendation from the results, then unfollow it.
  await page.goto('/search?q=stalking')
  const first = page.locator('.app-results a.govuk-link').first()
  const recPath = await first.getAttribute('href')
  await page.goto(recPath)
  await submit(page, page.getByRole('button', { name: 'Follow this recommendation' }))
  assert.equal(new URL(page.url()).pathname, recPath)
  assert.equal(await page.getByRole('button', { name: 'Unfollow this recommendation' }).count(), 1)
  await page.goto('/account')
  assert.equal(await page.locator('#follow-list a').first().getAttribute('href'), recPath)
  await page.goto(recPath)
  await submit(page, page.getByRole('button', { name: 'Unfollow this recommendation' }))
  assert.equal(await page.getByRole('button', { name: 'Follow this recommendation' }).count(), 1)
})

test('the save form, the account page and the Follow button pass axe', async () => {
  const page = await (await contextAs('panel')).newPage()
  await page.goto('/search?q=stalking')
  await checkAxe(page)
  await page.getByLabel('Save this search').fill('Stalking, panel')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save this search' }).click()])
  await checkAxe(page)
  await page.goto('/search?q=stalking')
  const recPath = await page.locator('.app-results a.govuk-link').first().getAttribute('href')
  await page.goto(recPath)
  await checkAxe(page)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Follow this recommendation' }).click()])
  await page.goto('/account')
  await checkAxe(page)
  assert.equal(await page.locator('#follow-list a').count() > 0, true)
})
