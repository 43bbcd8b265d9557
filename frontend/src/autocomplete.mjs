// Narrows a long <select> of organisations as the person types, matching names and aliases
// ("EVP" finds Eastmere and Vale Police). The select itself stays as it is, so it keeps working
// with a keyboard, a screen reader, or with this script absent: the filter only removes the
// options that do not match, and puts them back when the filter is cleared.
const MIN_OPTIONS = 20

function normalise (s) {
  return s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim()
}

function enhance (select) {
  const all = Array.from(select.querySelectorAll('option'))
  if (all.length < MIN_OPTIONS) return
  // Each option's group, so a filtered list keeps the sector headings.
  const entries = all.map((option) => ({
    option,
    group: option.parentElement.tagName === 'OPTGROUP' ? option.parentElement : null,
    text: normalise(option.textContent + ' ' + (option.dataset.aliases || ''))
  }))
  const groups = Array.from(select.querySelectorAll('optgroup'))

  const id = select.id + '-filter'
  const wrapper = document.createElement('div')
  wrapper.className = 'govuk-form-group app-select-filter'
  const label = document.createElement('label')
  label.className = 'govuk-label govuk-label--s app-select-filter__label'
  label.htmlFor = id
  label.textContent = 'Filter the organisations'
  const input = document.createElement('input')
  input.className = 'govuk-input app-select-filter__input'
  input.id = id
  input.type = 'search'
  input.autocomplete = 'off'
  input.spellcheck = false
  input.setAttribute('aria-controls', select.id)
  input.setAttribute('aria-describedby', id + '-status')
  const status = document.createElement('div')
  status.id = id + '-status'
  status.className = 'govuk-hint app-select-filter__status'
  status.setAttribute('aria-live', 'polite')
  wrapper.append(label, input, status)
  const own = select.labels && select.labels[0]
  select.parentElement.insertBefore(wrapper, own && own.parentElement === select.parentElement ? own : select)

  let timer
  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => apply(normalise(input.value)), 120)
  })
  // Enter in the filter must not submit the form; it moves to the narrowed list instead.
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault()
      select.focus()
    }
  })

  function apply (q) {
    const words = q ? q.split(' ') : []
    let shown = 0
    for (const g of groups) g.remove()
    select.replaceChildren()
    for (const { option, group, text } of entries) {
      const match = option.value === '' || option.selected || words.every((w) => text.includes(w))
      if (!match) continue
      if (option.value !== '') shown++
      if (group) {
        if (!group.isConnected) {
          group.replaceChildren()
          select.append(group)
        }
        group.append(option)
      } else {
        select.append(option)
      }
    }
    status.textContent = q ? (shown === 1 ? '1 organisation matches' : shown + ' organisations match') : ''
  }
}

export function initAutocomplete (root = document) {
  root.querySelectorAll('select[data-module="app-autocomplete"]').forEach(enhance)
}
