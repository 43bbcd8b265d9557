// An admin merges two organisations in the browser, and the merged one's recommendation is found
// at once by searching for the survivor's name (issue 12's quality bar).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contextAs, setup } from './harness.mjs'

setup()

test('an admin merges two organisations and search finds the moved recommendation by the survivor', async () => {
  const page = await (await contextAs('admin')).newPage()
  await page.goto('/admin')
  // The set-up goes through the API with the session's cookie and its CSRF token, as the pages' own
  // scripts would: a near-duplicate of a demo agency that addresses recommendations.
  const csrf = await page.locator('input[name="csrf_token"]').first().getAttribute('value')
  const api = async (method, path, data) => {
    const r = await page.request.fetch(path, { method, data, headers: { 'X-CSRF-Token': csrf } })
    assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`)
    return r.json()
  }
  // The demo's Harbourlight Domestic Abuse Service gets a near-duplicate, which is to stay.
  const orgs = await api('GET', '/api/v1/organisations?q=Harbourlight')
  const old = orgs.items.find((o) => o.name === 'Harbourlight Domestic Abuse Service')
  assert.ok(old, 'no Harbourlight in the demo data')
  const recs = await api('GET', '/api/v1/recommendations?organisation_id=' + old.id)
  assert.ok(recs.items.length > 0, 'Harbourlight addresses no recommendation')
  const rec = recs.items[0]
  const survivor = await api('POST', '/api/v1/organisations', { name: 'Harbourlight Domestic Abuse Services CIC', sector: 'specialist_da_service' })

  await page.goto('/admin')
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Organisations' }).click()])
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Find likely duplicates' }).click()])
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Compare and merge .*Harbourlight Domestic Abuse Services CIC/ }).click()])
  await page.getByLabel('Harbourlight Domestic Abuse Services CIC').check()
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Merge organisations' }).click()])
  assert.match(await page.locator('.govuk-notification-banner').textContent(), /Harbourlight Domestic Abuse Service merged into Harbourlight Domestic Abuse Services CIC/)

  await page.goto('/search?organisation=' + survivor.id)
  assert.equal(await page.locator(`a[href="/recommendations/${rec.id}"]`).count(), 1, 'the survivor does not have the moved recommendation')
  for (const q of ['"Harbourlight Domestic Abuse Services CIC"', '"Harbourlight IDVA Service"']) {
    await page.goto('/search?q=' + encodeURIComponent(q))
    assert.equal(await page.locator(`a[href="/recommendations/${rec.id}"]`).count(), 1, `search ${q} does not find the moved recommendation`)
  }
})
