// The steps of the main journeys (journeys-*.test.mjs), done through the pages as a person would:
// finding fields by their labels and buttons by their names, and waiting for each form's
// POST/redirect/GET. Not a test file itself: the journey files import it.
//
// One life of a recommendation, role by role, on one server:
//   1. the panel member records a review and two recommendations addressed to the police;
//   2. the agency editor (Eastmere and Vale Police) finds the first by search, records the
//      police's response, adds an action, attaches evidence and claims the action is implemented;
//   3. the oversight officer finds it, verifies the evidence and the claim, and closes it.
// Each step takes a `visit(page, name)` called on every distinct page and state it reaches (the
// journey files run axe-core there).
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The fictional review and recommendations the panel records. */
export const story = {
  reference: 'EM-DHR-2026-09',
  title: 'Adult Q',
  recs: [
    {
      number: '1',
      title: 'Stalking screening when bail conditions are breached',
      text: 'Eastmere and Vale Police should ensure that every reported breach of bail conditions by a former partner is screened for stalking, and that the victim is told the outcome of the screening within five working days.'
    },
    {
      number: '2',
      title: 'Stalking advocacy referrals from custody',
      text: 'Eastmere and Vale Police should refer every victim of a stalking offence charged from custody to the specialist stalking advocacy service, with consent, before the suspect is released.'
    }
  ],
  response: 'Eastmere and Vale Police accepts the recommendation. Breaches of bail conditions by a former partner will be screened for stalking by the public protection unit.',
  timetable: 'Screening from April 2027; audit of the first 100 screenings in October 2027.',
  action: 'Add a stalking screening question to the bail breach record and train public protection supervisors to review it.',
  owner: 'Head of Public Protection',
  evidenceTitle: 'Bail breach screening audit, first quarter',
  outcome: 'Screening live since April 2027: 212 breaches screened, 37 referred to the stalking advocacy service.',
  rationale: 'The audit shows every breach in the quarter was screened, and the victims were told the outcome. The action meets the recommendation.'
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Clicks the button named name and waits for the page that the POST redirects to. */
export async function press (page, name, { within = page } = {}) {
  await Promise.all([page.waitForNavigation(), within.getByRole('button', { name, exact: true }).first().click()])
}

/** Follows the link (or button-styled link) named name. */
export async function follow (page, name, { within = page } = {}) {
  const link = within.getByRole('link', { name }).or(within.getByRole('button', { name })).first()
  if (!(await link.count())) {
    const names = (await within.getByRole('link').allInnerTexts()).map((s) => s.trim()).filter(Boolean)
    throw new Error(`no link named ${name} on ${page.url()}; the links: ${names.join(' | ')}`)
  }
  await Promise.all([page.waitForNavigation(), link.click()])
}

/** The success banner's text; fails unless it matches want. */
export async function expectBanner (page, want) {
  const banner = page.locator('.govuk-notification-banner--success')
  assert.equal(await banner.count(), 1, `no success banner on ${page.url()}`)
  assert.match((await banner.textContent()).replace(/\s+/g, ' '), want)
}

/** The error summary's messages; fails unless there is one, focused (with JavaScript), linking to fields that exist. */
export async function expectErrors (page, { js = true } = {}) {
  const summary = page.locator('.govuk-error-summary')
  assert.equal(await summary.count(), 1, `no error summary on ${page.url()}`)
  assert.match(await page.title(), /^Error: /)
  const links = summary.locator('.govuk-error-summary__list a')
  const n = await links.count()
  assert.ok(n > 0, 'the error summary lists no problems')
  for (let i = 0; i < n; i++) {
    const href = await links.nth(i).getAttribute('href')
    assert.match(href, /^#/)
    assert.equal(await page.locator(href.replace(/([.[\]])/g, '\\$1')).count(), 1, `the error summary links to ${href}, which is not on the page`)
  }
  if (js) {
    // govuk-frontend moves focus to the summary so a screen reader announces it.
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'))
  }
  return (await links.allTextContents()).map((s) => s.trim())
}

/** A GOV.UK date input: fills day, month and year inside the fieldset named legend. */
export async function fillDate (page, legend, date) {
  const group = page.getByRole('group', { name: legend })
  await group.getByLabel('Day').fill(String(date.getDate()))
  await group.getByLabel('Month').fill(String(date.getMonth() + 1))
  await group.getByLabel('Year').fill(String(date.getFullYear()))
}

/** The number of results the search page reports ("12 recommendations"). */
export async function resultCount (page) {
  const text = await page.locator('#results').textContent()
  const m = /(\d[\d,]*) recommendations?/.exec(text)
  assert.ok(m, `no result count in ${JSON.stringify(text)}`)
  return Number(m[1].replace(/,/g, ''))
}

/**
 * Searches for q from the work list's search box, then ticks two filters (each [facet legend,
 * value label]) and applies them: the chosen filters must show as tags and the count must drop.
 * Returns the counts before and after.
 */
export async function searchWithTwoFilters (page, visit, { q, filters }) {
  await page.goto('/')
  await page.getByLabel('Search recommendations from every kind of review').fill(q)
  await press(page, 'Search')
  assert.equal(new URL(page.url()).pathname, '/search')
  assert.equal(await page.getByLabel('Search recommendations from every kind of review').inputValue(), q)
  const before = await resultCount(page)
  assert.ok(before > 1, `searching for ${q} found ${before}`)
  assert.equal(await page.locator('.moj-filter__selected').count(), 0, 'filters are shown as chosen before any was chosen')

  for (const [legend, value] of filters) {
    const group = page.getByRole('group', { name: legend, exact: true })
    const box = group.getByRole('checkbox', { name: new RegExp('^' + escapeRe(value) + ' \\(') })
    if (!(await box.isVisible())) await group.locator('details summary').click() // among "more"
    await box.check()
  }
  await press(page, 'Apply filters')
  const after = await resultCount(page)
  assert.ok(after < before, `the filters did not narrow the results (${before} before, ${after} after)`)
  assert.ok(after > 0, 'the filters left nothing')

  // Each chosen filter is a tag that removes it, under its facet's name, and stays ticked.
  const selected = page.locator('.moj-filter__selected')
  for (const [legend, value] of filters) {
    assert.ok((await selected.getByRole('heading', { name: legend, exact: true }).count()) === 1, `no ${legend} heading among the selected filters`)
    const tag = selected.getByRole('link', { name: `Remove this filter ${value}`, exact: true })
    assert.equal(await tag.count(), 1, `no tag for ${legend}: ${value}`)
    assert.ok(await page.getByRole('group', { name: legend, exact: true }).getByRole('checkbox', { name: new RegExp('^' + escapeRe(value) + ' \\(') }).isChecked())
  }
  assert.equal(await page.getByLabel('Search recommendations from every kind of review').inputValue(), q, 'the words were lost when filtering')
  await visit(page, 'search results with two filters')
  const u = new URL(page.url())
  return { before, after, path: u.pathname + u.search }
}

export function escapeRe (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') }

/** A small evidence file in a new temporary folder: a one-page PDF, or plain text. */
export function evidenceFile (kind = 'pdf') {
  const dir = mkdtempSync(join(tmpdir(), 'casereview-evidence-'))
  if (kind === 'txt') {
    const path = join(dir, 'screening-audit.txt')
    writeFileSync(path, 'Bail breach screening audit (fictional test data)\n212 breaches screened, 37 referrals.\n')
    return path
  }
  const path = join(dir, 'screening-audit.pdf')
  writeFileSync(path, minimalPDF('Bail breach screening audit (fictional test data)'))
  return path
}

// A one-page PDF with a line of text, its cross-reference table computed.
function minimalPDF (line) {
  const stream = `BT /F1 12 Tf 72 720 Td (${line}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
  ]
  let out = '%PDF-1.4\n'
  const offsets = []
  objects.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n` })
  const xref = out.length
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((n) => String(n).padStart(10, '0') + ' 00000 n \n').join('')
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

// ---------------------------------------------------------------------------------------------
// The panel member: a new review, and two recommendations with "Save and add another"

/**
 * Records the story's review and its two recommendations, both addressed to the police, then
 * finds the first by search. errors: also submit each form empty once (error summary states).
 * Returns the review's path.
 */
export async function panelRecordsReview (page, visit, { js = true, errors = false } = {}) {
  await page.goto('/')
  await visit(page, 'work list (panel member)')
  await follow(page, 'Reviews', { within: page.getByRole('navigation', { name: 'Menu' }) })
  assert.equal(new URL(page.url()).pathname, '/reviews')
  await visit(page, 'reviews list')
  await follow(page, 'Record a review')
  assert.equal(new URL(page.url()).pathname, '/reviews/new')
  await visit(page, 'new review form')
  if (errors) {
    await press(page, 'Record review')
    const msgs = await expectErrors(page, { js })
    assert.ok(msgs.some((m) => /type/i.test(m)), `no error about the type of review: ${msgs}`)
    await visit(page, 'new review form with errors')
  }

  await page.getByLabel('Type of review').selectOption('DHR')
  await page.getByLabel('Partnership', { exact: true }).selectOption({ label: 'Eastmere Community Safety Partnership' })
  await page.getByLabel('Reference', { exact: true }).fill(story.reference)
  await page.getByLabel('Title or pseudonym').fill(story.title)
  await page.getByRole('group', { name: 'Status' }).getByLabel('Published').check()
  await page.getByLabel('Shared with all users').check()
  await fillDate(page, 'Date published', new Date())
  await page.getByLabel('Summary (optional)').fill('Adult Q was killed by her former partner while he was on bail for breaching a non-molestation order. (Fictional test data.)')
  await press(page, 'Record review')
  await expectBanner(page, new RegExp(`Review ${story.reference} recorded`))
  const reviewPath = new URL(page.url()).pathname
  assert.match(reviewPath, /^\/reviews\/[0-9a-f-]{36}$/)
  assert.equal((await page.locator('h1').textContent()).trim(), `${story.reference}: ${story.title}`)
  await visit(page, 'review page, no recommendations yet')

  await follow(page, 'Add a recommendation')
  await visit(page, 'new recommendation form')
  if (errors) {
    await press(page, 'Save')
    const msgs = await expectErrors(page, { js })
    assert.ok(msgs.some((m) => /text of the recommendation/i.test(m)), `no error about the text: ${msgs}`)
    await visit(page, 'new recommendation form with errors')
  }
  await fillRecommendation(page, story.recs[0])
  await press(page, 'Save and add another recommendation')
  await expectBanner(page, /Recommendation 1 added/)
  assert.equal(new URL(page.url()).pathname, reviewPath + '/recommendations/new')
  // A fresh form for the next one: nothing of the first is carried over.
  assert.equal(await page.getByLabel('Text of the recommendation').inputValue(), '')
  await visit(page, 'new recommendation form after "add another"')
  await fillRecommendation(page, story.recs[1])
  await press(page, 'Save')
  await expectBanner(page, /Recommendation 2 added/)
  assert.equal(new URL(page.url()).pathname, reviewPath)

  // Both are on the review's page, in order, each linking to its own page.
  assert.match(await page.locator('#recommendations').textContent(), /2 recommendations/)
  for (const r of story.recs) {
    assert.equal(await page.getByRole('link', { name: r.title, exact: true }).count(), 1, `recommendation ${r.number} is not on the review page`)
  }
  const rows = await page.locator('table tbody tr').allTextContents()
  assert.ok(rows.findIndex((t) => t.includes(story.recs[0].title)) < rows.findIndex((t) => t.includes(story.recs[1].title)))
  await visit(page, 'review page with two recommendations')

  // The reviews list has it too.
  await follow(page, 'Reviews', { within: page.getByRole('navigation', { name: 'Menu' }) })
  assert.equal(await page.getByRole('link', { name: story.reference, exact: true }).count(), 1)
  return reviewPath
}

async function fillRecommendation (page, r) {
  await page.getByLabel('Number', { exact: true }).fill(r.number)
  await page.getByLabel('Short title (optional)').fill(r.title)
  await page.getByLabel('Text of the recommendation').fill(r.text)
  await page.getByRole('group', { name: 'Scope' }).getByLabel('Local').check()
  const first = page.getByRole('group', { name: 'Addressee 1' })
  await first.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Eastmere and Vale Police' })
  assert.equal(await first.getByLabel('Role').inputValue(), 'lead')
  // Themes are grouped in closed details: open the group, then tick.
  const themes = page.getByRole('group', { name: 'Themes' })
  await themes.locator('summary', { hasText: 'Forms of violence against women and girls' }).click()
  await themes.getByRole('checkbox', { name: 'Stalking', exact: true }).check()
}

// ---------------------------------------------------------------------------------------------
// The agency editor: respond, add an action, attach evidence, claim completion

/**
 * Finds the story's first recommendation by search and does the police's work on it. file: the
 * evidence to upload. Returns the recommendation's path and that of the filtered search.
 */
export async function agencyDoesTheWork (page, visit, { js = true, errors = false, file } = {}) {
  await page.goto('/')
  await visit(page, 'work list (agency editor)')
  const found = await searchWithTwoFilters(page, visit, {
    q: 'stalking',
    filters: [['Organisation', 'Eastmere and Vale Police'], ['Response', 'Awaiting response']]
  })
  await follow(page, story.recs[0].title)
  const recPath = new URL(page.url()).pathname
  assert.match(recPath, /^\/recommendations\/[0-9a-f-]{36}$/)
  assert.equal((await page.locator('h1').textContent()).trim(), `Recommendation 1: ${story.recs[0].title}`)
  assert.match(await page.locator('#status-response').textContent(), /Awaiting response/)
  await visit(page, 'recommendation page, awaiting response')

  // The formal response.
  await follow(page, 'Record response')
  assert.equal(new URL(page.url()).pathname, recPath + '/respond')
  assert.match(await page.locator('#organisation_id').textContent(), /Responding for Eastmere and Vale Police/)
  await visit(page, 'respond form')
  if (errors) {
    await press(page, 'Record response')
    const msgs = await expectErrors(page, { js })
    assert.deepEqual(msgs, ['Select what the organisation decided'])
    await visit(page, 'respond form with errors')
  }
  await page.getByLabel('Accepted in full').check()
  await page.getByLabel('The response', { exact: true }).fill(story.response)
  await page.getByLabel('Timetable', { exact: true }).fill(story.timetable)
  await press(page, 'Record response')
  await expectBanner(page, /Response recorded/)
  assert.equal(new URL(page.url()).pathname, recPath)
  assert.match(await page.locator('#status-response').textContent(), /Accepted/)
  assert.match(await page.locator('#responses').textContent(), /Breaches of bail conditions by a former partner will be screened/)
  await visit(page, 'recommendation page with a response')

  // An action.
  await follow(page, 'Add an action')
  assert.equal(new URL(page.url()).pathname, recPath + '/actions/new')
  await visit(page, 'new action form')
  if (errors) {
    await press(page, 'Add action')
    const msgs = await expectErrors(page, { js })
    assert.deepEqual(msgs, ['Enter what will be done'])
    await visit(page, 'new action form with errors')
  }
  await page.getByLabel('What will be done').fill(story.action)
  await page.getByLabel('Owner (optional)').fill(story.owner)
  const target = new Date()
  target.setFullYear(target.getFullYear() + 1)
  await fillDate(page, 'Target date', target)
  await press(page, 'Add action')
  await expectBanner(page, /Action added/)
  const card = page.locator('.app-action', { hasText: story.action })
  assert.equal(await card.count(), 1, 'the new action is not on the recommendation page')
  assert.match(await card.textContent(), /Not started/)
  assert.match(await card.textContent(), new RegExp(story.owner))

  // Its edit form is reachable (and accessible), though nothing needs changing.
  await follow(page, /^Edit action/, { within: card })
  assert.match(new URL(page.url()).pathname, /^\/actions\/[0-9a-f-]{36}\/edit$/)
  assert.equal(await page.getByLabel('What will be done').inputValue(), story.action)
  await visit(page, 'edit action form')
  await follow(page, 'Cancel')

  // Evidence: a file, of a type the form says it accepts.
  await follow(page, /^Add evidence/, { within: page.locator('.app-action', { hasText: story.action }) })
  assert.match(new URL(page.url()).pathname, /^\/actions\/[0-9a-f-]{36}\/evidence\/new$/)
  assert.match(await page.locator('#file-hint').textContent(), /PDF.*plain text \(\.txt\)/s)
  await visit(page, 'add evidence form')
  if (errors) {
    await press(page, 'Add evidence')
    const msgs = await expectErrors(page, { js })
    // Every problem at once: the file is never kept, so it should be chosen only once.
    assert.deepEqual(msgs, ['Enter a description of the evidence', 'Select the file to upload'])
    await visit(page, 'add evidence form with errors')
  }
  await page.getByLabel('Describe the evidence').fill(story.evidenceTitle)
  await page.getByRole('group', { name: 'What kind of evidence is it?' }).getByLabel('Audit result').check()
  await page.getByLabel('Upload a file').check()
  await page.getByLabel('File', { exact: true }).setInputFiles(file)
  await press(page, 'Add evidence')
  await expectBanner(page, /Evidence added/)
  const withEvidence = page.locator('.app-action', { hasText: story.action })
  assert.match(await withEvidence.textContent(), new RegExp(escapeRe(story.evidenceTitle)))
  assert.match(await withEvidence.textContent(), /Pending/i)

  // A link added by mistake, withdrawn by its uploader with a reason (issue 13 item 10).
  const wrongTitle = 'Screening audit, wrong quarter'
  await follow(page, /^Add evidence/, { within: withEvidence })
  await page.getByLabel('Describe the evidence').fill(wrongTitle)
  await page.getByLabel('Give a link').check()
  await page.getByLabel('Web address').fill('https://intranet.example.org/audits/2026-q4')
  await press(page, 'Add evidence')
  await expectBanner(page, /Evidence added/)
  await follow(page, `Withdraw evidence: ${wrongTitle}`, { within: page.locator('.app-action', { hasText: story.action }) })
  assert.match(new URL(page.url()).pathname, /^\/evidence\/[0-9a-f-]{36}\/withdraw$/)
  await visit(page, 'withdraw evidence form')
  if (errors) {
    await press(page, 'Withdraw evidence')
    assert.deepEqual(await expectErrors(page, { js }), ['Enter why you are withdrawing this evidence'])
    await visit(page, 'withdraw evidence form with errors')
  }
  await page.getByLabel('Why are you withdrawing it?').fill('The link is to last year\u2019s audit.')
  await press(page, 'Withdraw evidence')
  await expectBanner(page, new RegExp(`Evidence withdrawn: ${escapeRe(wrongTitle)}`))
  assert.doesNotMatch(await page.locator('.app-action', { hasText: story.action }).textContent(), new RegExp(escapeRe(wrongTitle)))
  assert.match(await page.locator('#timeline').textContent(), /Evidence withdrawn/)

  // Progress: started, then claimed as implemented with its outcome.
  await follow(page, /^Update progress/, { within: withEvidence })
  assert.match(new URL(page.url()).pathname, /^\/actions\/[0-9a-f-]{36}\/progress$/)
  await visit(page, 'progress form')
  if (errors) {
    await press(page, 'Save progress') // "no change" with no note
    const msgs = await expectErrors(page, { js })
    assert.deepEqual(msgs, ['Enter a progress note, or choose how the action has moved on'])
    await visit(page, 'progress form with errors')
  }
  await page.getByLabel('In progress', { exact: true }).check()
  await page.getByLabel('Progress note').fill('Screening question drafted; supervisors\u2019 training booked.')
  await press(page, 'Save progress')
  await expectBanner(page, /Progress recorded/)
  assert.match(await page.locator('.app-action', { hasText: story.action }).textContent(), /In progress/)

  await follow(page, /^Update progress/, { within: page.locator('.app-action', { hasText: story.action }) })
  await page.getByLabel('Implemented, pending verification').check()
  await visit(page, 'progress form, claiming completion')
  await page.getByLabel('Outcome', { exact: true }).fill(story.outcome)
  await press(page, 'Save progress')
  await expectBanner(page, /Progress recorded/)
  const claimed = page.locator('.app-action', { hasText: story.action })
  assert.match(await claimed.textContent(), /Implemented, pending verification/)
  assert.match(await claimed.textContent(), /212 breaches screened/)
  assert.match(await page.locator('#status-implementation').textContent(), /Implemented, pending verification/)
  await visit(page, 'recommendation page, implementation claimed')
  return { recPath, searchPath: found.path }
}

// ---------------------------------------------------------------------------------------------
// The oversight officer: verify the evidence and the claim, then close

/** Finds the recommendation the agency claimed by search, verifies its evidence and claim, and closes it. */
export async function oversightCloses (page, visit, { js = true, errors = false, recPath } = {}) {
  await page.goto('/')
  await visit(page, 'work list (oversight officer)')
  // The evidence waits in the work list too.
  assert.match(await page.locator('body').textContent(), new RegExp(escapeRe(story.evidenceTitle)))
  await searchWithTwoFilters(page, visit, {
    q: 'stalking',
    filters: [['Implementation', 'Implemented, pending verification'], ['Response', 'Accepted']]
  })
  await follow(page, story.recs[0].title)
  assert.equal(new URL(page.url()).pathname, recPath)
  await visit(page, 'recommendation page, for oversight')

  // The evidence.
  await follow(page, new RegExp(`^Verify evidence\\s*:\\s*${escapeRe(story.evidenceTitle)}$`))
  assert.match(new URL(page.url()).pathname, /^\/evidence\/[0-9a-f-]{36}\/review$/)
  assert.equal((await page.locator('#evidence-title').textContent()).trim(), story.evidenceTitle)
  await visit(page, 'evidence review form')
  if (errors) {
    await press(page, 'Save decision')
    assert.deepEqual(await expectErrors(page, { js }), ['Select whether the evidence is verified or rejected'])
    await visit(page, 'evidence review form with errors')
  }
  await page.getByLabel('Verify it').check()
  await page.getByLabel('Note', { exact: true }).fill('The audit covers every breach in the quarter.')
  await press(page, 'Save decision')
  await expectBanner(page, /Evidence verified/)
  // The action still waits for a decision on its claim, on the same page.
  assert.match(await page.locator('#evidence-status').textContent(), /Verified/)
  assert.equal(await page.locator('#claim').count(), 1, 'no decision on the claim offered after verifying its evidence')
  await visit(page, 'evidence verified, the claim to decide')
  await page.getByLabel('Yes, verify the implementation').check()
  await press(page, 'Save decision on the claim')
  await expectBanner(page, /Implementation verified/)
  assert.equal(new URL(page.url()).pathname, recPath)
  assert.match(await page.locator('#status-implementation').textContent(), /Implemented and verified|Verified/i)

  // Assess and close, through the check-answers page.
  await follow(page, 'Assess or close')
  assert.equal(new URL(page.url()).pathname, recPath + '/assess')
  await visit(page, 'assess form')
  if (errors) {
    await press(page, 'Continue')
    assert.deepEqual(await expectErrors(page, { js }), ['Select a classification'])
    await visit(page, 'assess form with errors')
  }
  await page.getByLabel('Closed: acceptable action').check()
  await page.getByLabel('Rationale', { exact: true }).fill(story.rationale)
  await press(page, 'Continue')
  assert.equal(await page.getByRole('button', { name: 'Close recommendation' }).count(), 1, 'no check-answers step before closing')
  assert.match(await page.locator('#answer-classification').textContent(), /Closed: acceptable action/)
  assert.match(await page.locator('#answer-rationale').textContent(), /every breach in the quarter was screened/)
  // Nothing is closed yet.
  const still = await page.request.get(recPath)
  assert.doesNotMatch(await still.text(), /id="status-oversight"><strong[^>]*>Closed/)
  await visit(page, 'check answers before closing')
  await press(page, 'Close recommendation')
  await expectBanner(page, /Recommendation closed: Closed: acceptable action/)
  assert.equal(new URL(page.url()).pathname, recPath)
  assert.match(await page.locator('#status-oversight').textContent(), /Closed: acceptable action/)
  assert.match(await page.locator('#status').textContent(), /every breach in the quarter was screened/)
  assert.equal(await page.getByRole('link', { name: 'Record response' }).count(), 0)
  await visit(page, 'recommendation page, closed')
}
