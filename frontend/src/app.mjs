// Starts the GOV.UK and MOJ components on the page. Everything works without this script; it
// only adds behaviour (show/hide password, error summary focus, filter toggle, sortable tables,
// filtering a long organisation list, the warning before a session times out).
import { initAll as initGovuk } from './govuk-frontend.min.js'
import { initAll as initMoj } from './moj-frontend.min.js'
import { initAutocomplete } from './autocomplete.mjs'
import { initTimeoutWarning } from './timeout.mjs'
import './search.mjs'
import { initEarlier } from './earlier.mjs'

initGovuk()
initMoj()
initAutocomplete()
initTimeoutWarning()
initEarlier()
