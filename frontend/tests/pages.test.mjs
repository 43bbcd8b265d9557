// Every page of the sign-in journey and the shared chrome: no axe-core violations (WCAG 2.2 AA),
// no sideways scrolling at 320 px wide (WCAG 1.4.10 reflow), nothing fetched from another host
// (checked by the harness after each test), and the skip link first in the tab order.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, checkNoHorizontalScroll, contextAs, harness, newContext, setup } from './harness.mjs'

setup()

const narrow = { viewport: { width: 320, height: 640 } }

// Visits each page in turn, as a person signing in for the first time would, and runs check on
// it. The administrator's first sign-in shows the authenticator set-up and the recovery codes
// (only once per user), so each width uses its own user: admin at 1280 px, oversight at 320.
async function eachPage (role, options, check) {
  const h = harness()
  const seen = []
  const page = await (await newContext(options)).newPage()
  const at = async (name) => { seen.push(name); await check(page, name) }

  await page.goto('/sign-in')
  await at('sign-in')
  await h.submitPassword(page, role, { password: 'wrong' })
  await at('sign-in with an error')
  await h.submitPassword(page, role)
  assert.equal(new URL(page.url()).pathname, '/account/authenticator')
  await page.locator('details summary').click() // show the key, as someone who cannot scan would
  await at('authenticator')
  await page.locator('#code').fill('12')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()])
  await at('authenticator with an error')
  await h.enrol(page, role)
  await at('recovery codes')
  await h.continueAfterCodes(page)
  await h.expectSignedIn(page, role)
  await at('home')
  // The person's own account: the summary, the password form and the API tokens, each with errors.
  await page.goto('/account')
  await at('account')
  await page.goto('/account/password')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Change password' }).click()])
  await at('change password with errors')
  await page.goto('/account/tokens')
  await at('API tokens')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create token' }).click()])
  await at('API tokens with an error')
  await page.locator('#name').fill('Axe check')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create token' }).click()])
  await at('new API token')
  // The audit trail (oversight and admins): the list, a filter refused, an event, and the check.
  await page.goto('/audit')
  await at('audit trail')
  await page.goto('/audit?from-day=2&from-month=1&from-year=2026&to-day=1&to-month=1&to-year=2026')
  await at('audit trail with an error')
  await page.goto('/audit/events/1')
  await at('audit event')
  await page.goto('/audit')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Verify the chain' }).click()])
  await at('audit chain verified')
  // The theme taxonomy, read-only.
  await page.goto('/themes')
  await at('themes')
  await page.goto('/themes/B04')
  await at('a theme')
  // Reporting: the dashboard, the explorer's views (one shareable, one with an error).
  await page.goto('/dashboard')
  await at('dashboard')
  await page.goto('/dashboard/overdue')
  await at('overdue by organisation')
  const owing = await page.locator('#overdue tbody a').first().getAttribute('href')
  await page.goto(owing)
  await at("one organisation's overdue items")
  await page.goto('/notifications')
  await at('notifications')
  await page.goto('/explore?rows=theme&cols=oversight')
  await at('explore cross-tab')
  await page.goto('/explore?rows=theme_group&cols=response&disclosure=shareable')
  await at('explore cross-tab to share')
  await page.goto('/explore?view=pairs&sort=lift')
  await at('explore theme pairs')
  await page.goto('/explore?view=trends')
  await at('explore trends')
  await page.goto('/explore?view=organisations')
  await at('explore organisations')
  await page.goto('/explore?view=national')
  await at('explore national register')
  await page.goto('/explore?year_from=2025&year_to=2020')
  await at('explore with an error')
  // The thematic summary builder: the form, a summary compared with the year before (every
  // section, the list's long texts too), the form with its errors, the saved summaries.
  await page.goto('/summaries/new')
  await at('summary builder')
  await page.goto('/summaries/view?title=Stalking&fy=2022&compare=1&findings=Key+findings&section=headline&section=response&section=implementation&section=oversight&section=organisations&section=trends&section=pairs&section=list')
  await at('thematic summary')
  await page.goto('/summaries/view?title=&compare=1')
  await at('summary builder with errors')
  await page.goto('/summaries')
  await at('saved summaries')
  if (role === 'admin') {
    // Administration: the hub, the partnerships, the form with its errors.
    await page.goto('/admin')
    await at('administration')
    await page.goto('/admin/partnerships')
    await at('partnerships')
    await page.goto('/admin/partnerships/new')
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add partnership' }).click()])
    await at('add a partnership with errors')
    await page.goto('/admin/organisations')
    await at('organisations')
    await page.goto('/admin/organisations/duplicates')
    await at('likely duplicates')
    await page.goto('/admin/organisations/merge')
    await at('merge: choose two')
    await page.goto('/admin/outbox')
    await at('outbox')
    await usersPages(page, at)
  }
  await page.goto('/no-such-page')
  await at('404')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign out' }).click()])
  await at('signed out')
  await page.goto('/signed-out?reason=idle')
  await at('signed out when idle')
  await h.submitPassword(page, role)
  assert.equal(new URL(page.url()).pathname, '/sign-in/code')
  await at('code')
  await page.locator('#code').fill('1')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()])
  await at('code with an error')
  return seen
}

// The users pages (admins only): the list, a filter refused, the add form with its errors, a
// person's page, the password reset with its error, and the confirmations.
async function usersPages (page, at) {
  await page.goto('/admin/users')
  await at('users')
  await page.goto('/admin/users?role=king')
  await at('users with an error')
  await page.goto('/admin/users/new')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add user' }).click()])
  await at('add a user with errors')
  await page.goto('/admin/users?q=' + encodeURIComponent('Demo Viewer'))
  await Promise.all([page.waitForNavigation(), page.locator('#users tbody a').first().click()])
  const userPath = new URL(page.url()).pathname
  await at('a user')
  await page.goto(userPath + '/password')
  await page.locator('#how-type').check()
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Reset password' }).click()])
  await at('reset a password with an error')
  await page.goto(userPath + '/mfa-reset')
  await at('reset an authenticator app: confirm')
  await page.goto(userPath + '/disable')
  await at('disable an account: confirm')
}

test('no axe-core violations on the sign-in pages, home, the account pages, the audit trail, the themes, administration, 404 and signed-out', async () => {
  const seen = await eachPage('admin', {}, async (page, name) => {
    try {
      await checkAxe(page)
    } catch (e) {
      e.message = `${name}: ${e.message}`
      throw e
    }
  })
  assert.equal(seen.length, 51)
})

test('no sideways scrolling at 320 px wide, and still no axe-core violations', async () => {
  await eachPage('oversight', narrow, async (page, name) => {
    const width = await page.evaluate(() => window.innerWidth)
    assert.equal(width, 320)
    try {
      await checkNoHorizontalScroll(page)
      await checkAxe(page)
    } catch (e) {
      e.message = `${name}: ${e.message}`
      throw e
    }
  })
})

test('the users pages at 320 px wide: no sideways scrolling, no axe-core violations', async () => {
  const page = await (await contextAs('admin', narrow)).newPage()
  await usersPages(page, async (name) => {
    try {
      await checkNoHorizontalScroll(page)
      await checkAxe(page)
    } catch (e) {
      e.message = `${name} at 320 px: ${e.message}`
      throw e
    }
  })
})

// The check itself: a page with an unlabelled field fails it, naming the rule; the same field
// left out with exclude, or the rule turned off, passes; and a page loaded after the context's
// first check is checked too (axe arrives by the init script there).
test('checkAxe finds a violation, and exclude and disableRules narrow it', async () => {
  const page = await (await newContext()).newPage()
  const bad = '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>' +
    '<input type="text" id="f" class="bad"></main></body></html>'
  await page.setContent(bad)
  await assert.rejects(checkAxe(page), /label \(critical\)[\s\S]*at \.bad|label \(critical\)[\s\S]*at #f/)
  await checkAxe(page, { exclude: ['.bad'] })
  await checkAxe(page, { disableRules: ['label'] })
  await page.goto('/sign-in')
  assert.equal(await page.evaluate(() => typeof window.axe), 'object', 'the init script put axe into the next page')
  await page.setContent(bad)
  await assert.rejects(checkAxe(page), /label/)
})

test('the 404 page says so, with status 404', async () => {
  const h = harness()
  const page = await (await newContext()).newPage()
  await h.signIn(page, 'viewer')
  const res = await page.goto('/no-such-page')
  assert.equal(res.status(), 404)
  assert.match(await page.locator('h1').textContent(), /Page not found/i)
})

test('the skip link is the first tab stop and moves focus to the main content', async () => {
  const h = harness()
  for (const signedIn of [false, true]) {
    const page = await (await newContext()).newPage()
    if (signedIn) await h.signIn(page, 'panel')
    else await page.goto('/sign-in')
    await page.keyboard.press('Tab')
    const first = await page.evaluate(() => ({ cls: document.activeElement.className, text: document.activeElement.textContent.trim() }))
    assert.match(first.cls, /govuk-skip-link/, `the first tab stop is the skip link (signed in: ${signedIn})`)
    assert.equal(first.text, 'Skip to main content')
    // Visible when focused (it is visually hidden otherwise).
    const box = await page.locator('.govuk-skip-link').boundingBox()
    assert.ok(box && box.height > 10 && box.width > 50, `the focused skip link is visible: ${JSON.stringify(box)}`)
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main-content')
    // Tab carries on from there (into main, or past it when main has nothing to focus), not
    // back through the header.
    await page.keyboard.press('Tab')
    const after = await page.evaluate(() => {
      const main = document.getElementById('main-content')
      const el = document.activeElement
      return main.contains(el) || !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
    })
    assert.equal(after, true, 'Tab continues from the main content')
  }
})

test('pages ask nothing of any other host (the harness fails on any such request)', async () => {
  const h = harness()
  const ctx = await newContext()
  const page = await ctx.newPage()
  await h.signIn(page, 'agency_editor')
  for (const url of ['/', '/no-such-page', '/sign-in']) await page.goto(url)
  assert.deepEqual(ctx.problems, [])
  // And the check works: a request elsewhere is refused and recorded.
  const probe = await h.newContext()
  const p = await probe.newPage()
  await p.goto('https://example.invalid/').catch(() => {}) // (CSP would stop a fetch before it left)
  assert.equal(probe.problems.length, 1, 'the foreign request was caught')
  probe.problems.length = 0 // expected here: do not fail the test for it
})

// The action-plan upload and its report are for a review's panel (neither admins nor
// oversight may import), so the panel member walks them: the form, the form with its error, and
// the report of a messy file, each at 1280 and at 320 px wide.
test('the action-plan upload and its report: no axe-core violations, no sideways scrolling at 320 px', async () => {
  const h = harness()
  const messy = 'Recommendation,Scope,Action to take,Lead agency,Key milestones,Target date,Date of completion and outcome\n' +
    '9. Agencies should record who else lives at the address and check it at every contact with the household.,local,Add a household field to the referral form,Eastmere Polise Service,,sometime soon,\n' +
    ',,Audit twenty referrals,Eastmere and Vale Police,,31/12/2026,Completed maybe\n'
  for (const options of [{}, narrow]) {
    const page = await (await newContext(options)).newPage()
    const check = async (name) => {
      try {
        if (options.viewport) await checkNoHorizontalScroll(page)
        await checkAxe(page)
      } catch (e) {
        e.message = `${name} (${options.viewport ? 320 : 1280} px): ${e.message}`
        throw e
      }
    }
    await h.signIn(page, 'panel')
    await page.goto('/reviews')
    const hrefs = await page.locator('main a[href^="/reviews/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')).filter((x) => /^\/reviews\/[0-9a-f-]{36}$/.test(x)))
    let found = false
    for (const href of hrefs) {
      await page.goto(href)
      if (await page.locator('#upload-action-plan').count()) { found = true; break }
    }
    assert.ok(found, 'the panel member is offered an upload on one of their reviews')
    await Promise.all([page.waitForNavigation(), page.locator('#upload-action-plan').click()])
    await check('upload an action plan')
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Check the file' }).click()])
    await check('upload an action plan with an error')
    await page.locator('#file').setInputFiles({ name: 'plan.csv', mimeType: 'text/csv', buffer: Buffer.from(messy) })
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Check the file' }).click()])
    await page.waitForSelector('#report', { timeout: 30000 }) // the page refreshes itself until the check ends
    await page.waitForLoadState('load')
    await check('import report')
  }
})
