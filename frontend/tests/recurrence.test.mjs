// Recurring recommendations (issue 17 §1): "made before" on a recommendation page, and the
// earlier recommendations shown under the text box as a panel types (debounced, fetched from the
// server-rendered page the button opens without JavaScript); no axe-core violations.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, contextAs, setup } from './harness.mjs'

setup()

const draft = 'Officers should record any disclosure of non-fatal strangulation in the DASH risk assessment'

test('the earlier-recommendations page, a made-before section and the recurring report pass axe', async () => {
  const page = await (await contextAs('oversight')).newPage()
  await page.goto('/recommendations/earlier?text=' + encodeURIComponent(draft))
  const first = page.locator('#earlier-results a').first()
  await first.waitFor()
  await checkAxe(page)
  await Promise.all([page.waitForNavigation(), first.click()])
  await page.locator('#made-before').waitFor()
  await checkAxe(page)
  await page.goto('/recurring')
  await page.locator('#recurring').waitFor()
  await checkAxe(page)
  // Filtered and to share: the same filter panel as the other reporting pages.
  await page.goto('/recurring?disclosure=shareable&type=DHR')
  await page.locator('#recurring-form').waitFor()
  await checkAxe(page)
})

test('typing a draft shows the earlier ones below the text box', async () => {
  const page = await (await contextAs('panel')).newPage()
  await page.goto('/reviews')
  const hrefs = await page.locator('main a[href^="/reviews/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  let opened = false
  for (const href of hrefs.filter((h) => /^\/reviews\/[0-9a-f-]{36}$/.test(h))) {
    const res = await page.goto(href + '/recommendations/new')
    if (res.ok() && await page.locator('#text').count() > 0) { opened = true; break }
  }
  assert.ok(opened, 'the panel member could open no recommendation form')
  await page.locator('#text').fill(draft)
  const found = page.locator('#earlier-live a').first()
  await found.waitFor({ timeout: 10000 })
  assert.match(await page.locator('#earlier-live').textContent(), /recommendation/)
  await checkAxe(page)
})
