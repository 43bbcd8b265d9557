// The public transparency view (internal/web/public.go): reachable from the sign-in page without
// signing in, no axe-core violations (WCAG 2.2 AA), no sideways scrolling at 320 px, works with
// JavaScript off, and the search is usable by keyboard alone.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, checkNoHorizontalScroll, newContext, setup } from './harness.mjs'

setup()

// Visits each public page, starting from the sign-in page's link, and runs check on it.
async function eachPublicPage (options, check) {
  const page = await (await newContext(options)).newPage()
  const seen = []
  const at = async (name) => { seen.push(name); await check(page, name) }
  await page.goto('/sign-in')
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /See what became of published reviews/ }).click()])
  assert.equal(new URL(page.url()).pathname, '/public/search')
  await at('public search')
  const first = page.locator('.app-result h3 a').first()
  const href = await first.getAttribute('href')
  assert.match(href, /^\/public\/recommendations\//)
  await Promise.all([page.waitForNavigation(), first.click()])
  await at('public recommendation')
  await page.goto('/public/figures')
  await at('public figures')
  await page.goto('/public/figures?layer=response')
  await at('public figures by response')
  await page.goto('/public/recommendations/00000000-0000-0000-0000-000000000000')
  await at('public 404')
  return seen
}

test('no axe-core violations on the public pages', async () => {
  const seen = await eachPublicPage({}, async (page, name) => {
    try { await checkAxe(page) } catch (e) { e.message = `${name}: ${e.message}`; throw e }
  })
  assert.equal(seen.length, 5)
})

test('the public pages reflow at 320 px, with no axe-core violations there either', async () => {
  await eachPublicPage({ viewport: { width: 320, height: 640 } }, async (page, name) => {
    try {
      await checkNoHorizontalScroll(page)
      await checkAxe(page)
    } catch (e) { e.message = `${name}: ${e.message}`; throw e }
  })
})

test('the public pages work without JavaScript: search, a recommendation, the figures form', async () => {
  const page = await (await newContext({ javaScriptEnabled: false })).newPage()
  await page.goto('/public/search')
  await page.locator('#q').fill('training')
  await Promise.all([page.waitForNavigation(), page.locator('#search-form .app-search-box__button').click()])
  assert.equal(new URL(page.url()).searchParams.get('q'), 'training')
  const first = page.locator('.app-result h3 a').first()
  await Promise.all([page.waitForNavigation(), first.click()])
  assert.match(new URL(page.url()).pathname, /^\/public\/recommendations\//)
  assert.equal(await page.locator('.govuk-summary-list__key').filter({ hasText: /^\s*Oversight\s*$/ }).count(), 1)
  await page.goto('/public/figures')
  await page.getByLabel('Implementation').check()
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show figures' }).click()])
  assert.equal(new URL(page.url()).searchParams.get('layer'), 'implementation')
  assert.match(await page.locator('#figures-caption').textContent(), /implementation status/)
})

test('a public search by keyboard alone', async () => {
  const page = await (await newContext()).newPage()
  await page.goto('/public/search')
  await page.locator('#q').focus()
  await page.keyboard.type('training')
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
  const url = new URL(page.url())
  assert.equal(url.pathname, '/public/search')
  assert.equal(url.searchParams.get('q'), 'training')
  assert.ok(await page.locator('#results').count() === 1, 'the results heading is shown')
})
