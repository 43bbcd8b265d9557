// Scheduled quarterly reports (issue 18 §4): the demo's oversight officer schedules a saved
// summary, runs it by hand, opens the stored run and its documents, and runs it again to see the
// comparison with the previous run; the subscribers' emails are in the admin's outbox. The
// journey runs with JavaScript off (plain forms); the pages are then checked with axe with it on.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, contextAs, harness, setup } from './harness.mjs'

setup()

const noJS = { javaScriptEnabled: false }
let schedulesPath, runPath

async function noScript (page, name) {
  assert.doesNotMatch(await page.locator('body').getAttribute('class') ?? '', /js-enabled/, `${name}: a script ran`)
}

test('without JavaScript, an oversight officer schedules a saved summary, runs it now and opens the run', async () => {
  const page = await (await contextAs('oversight', noJS)).newPage()
  await page.goto('/summaries')
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Schedules\s*:\s*Quarterly monitoring/ }).click()])
  schedulesPath = new URL(page.url()).pathname
  await noScript(page, 'schedules')
  // The demo's quarterly schedule, with its next run on the first day of a quarter.
  const first = page.locator('#schedules tbody tr').first()
  assert.equal((await first.locator('th').textContent()).trim(), 'Quarterly')
  assert.match(await first.locator('td').first().textContent(), /^\s*1 (January|April|July|October) \d{4}\s*$/)

  // An address of nobody in the service is refused at its field.
  await page.getByLabel('Monthly').check()
  await page.getByLabel(/Other subscribers/).fill('nobody@example.invalid')
  const [bad] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the schedule' }).click()])
  assert.equal(bad.status(), 422)
  assert.match(await page.locator('.govuk-error-summary').textContent(), /nobody@example.invalid/)
  assert.equal(await page.locator('.govuk-error-summary a').first().getAttribute('href'), '#subscribers')
  assert.equal(await page.getByLabel(/Other subscribers/).inputValue(), 'nobody@example.invalid', 'the form lost what was typed')

  // A monthly schedule for the admin too.
  await page.getByLabel('Monthly').check()
  await page.getByLabel(/Other subscribers/).fill(harness().credentials('admin').email)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the schedule' }).click()])
  assert.match(await page.locator('.govuk-notification-banner, [role="status"], .moj-banner').first().textContent(), /Monthly schedule added/)
  assert.equal(await page.locator('#schedules tbody tr').count(), 2)
  assert.match(await page.locator('#schedules tbody tr').nth(1).textContent(), /admin@demo/)

  // Run the quarterly schedule now: a stored run, the first, with its three documents.
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Run now\s*:\s*Quarterly schedule/ }).click()])
  runPath = new URL(page.url()).pathname
  assert.match(runPath, /^\/summaries\/runs\/[0-9a-f-]{36}$/)
  await noScript(page, 'run')
  assert.match(await page.locator('h1').textContent(), /Quarterly monitoring/)
  assert.match(await page.locator('#headline-changes').textContent(), /first run/)
  const docs = page.locator('#documents a')
  assert.equal(await docs.count(), 3)
  const html = await page.request.get(await docs.nth(0).getAttribute('href'))
  assert.equal(html.status(), 200)
  assert.match(await html.text(), /Quarterly monitoring/)
  const xlsx = await page.request.get(await docs.nth(1).getAttribute('href'))
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK', 'the workbook is not a zip')
  const csv1 = await (await page.request.get(await docs.nth(2).getAttribute('href'))).text()
  assert.match(csv1, /Headline/)

  // Run it again: compared with the first run, whose documents are unchanged.
  await page.goto(schedulesPath)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Run now\s*:\s*Quarterly schedule/ }).click()])
  assert.match(await page.locator('#headline-changes caption').textContent(), /Headline figures/)
  assert.match(await page.locator('#headline-changes tbody').textContent(), /Recommendations/)
  assert.match(await page.locator('#headline-changes tbody tr').first().textContent(), /no change/)
  const csv2 = await (await page.request.get(await page.locator('#documents a').nth(2).getAttribute('href'))).text()
  assert.match(csv2, /Since the previous run/)
  assert.equal(await (await page.request.get(runPath + '/document/report.csv')).text(), csv1, 'the first run was not kept as it was')

  // The schedule's runs, newest first.
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Runs of this report' }).click()])
  assert.equal(await page.locator('#runs tbody tr').count(), 2)

  // Pause and delete the monthly schedule.
  await page.goto(schedulesPath)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Pause\s*:\s*Monthly schedule/ }).click()])
  assert.match(await page.locator('#schedules tbody tr').nth(1).textContent(), /Paused/)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Delete\s*:\s*Monthly schedule/ }).click()])
  assert.equal(await page.locator('#schedules tbody tr').count(), 1)
})

test('the subscribers are told: emails in the outbox, the run open to the panel member and not to a viewer', async () => {
  assert.ok(runPath, 'the scheduling journey did not run')
  const admin = await (await contextAs('admin', noJS)).newPage()
  await admin.goto('/admin/outbox')
  const outbox = await admin.locator('#outbox').textContent()
  for (const role of ['oversight', 'panel']) {
    assert.ok(outbox.includes(harness().credentials(role).email), `no report email to the ${role} subscriber`)
  }
  assert.match(outbox, /Report .Quarterly monitoring/)

  const panel = await (await contextAs('panel', noJS)).newPage()
  const ok = await panel.goto(runPath)
  assert.equal(ok.status(), 200)
  const viewer = await (await contextAs('viewer', noJS)).newPage()
  const no = await viewer.goto(runPath)
  assert.equal(no.status(), 404)
})

test('the schedules, run and runs pages have no accessibility violations', async () => {
  assert.ok(runPath, 'the scheduling journey did not run')
  const page = await (await contextAs('oversight')).newPage()
  for (const path of [schedulesPath, runPath]) {
    await page.goto(path)
    await checkAxe(page)
  }
  await page.getByRole('link', { name: 'Runs of this report' }).click()
  await page.waitForURL(/\/summaries\/schedules\//)
  await checkAxe(page)
  // The form's errors, with the scripts on.
  await page.goto(schedulesPath)
  await page.getByLabel(/Other subscribers/).fill('nobody@example.invalid')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the schedule' }).click()])
  await checkAxe(page)
})
