// The search page's filter panel: on a small screen it starts hidden behind a "Show filter"
// button (MOJ's filter toggle, which MOJ's initAll leaves out). Without this script the panel
// simply shows above the results.
import { createAll } from './govuk-frontend.min.js'
import { FilterToggleButton } from './moj-frontend.min.js'

createAll(FilterToggleButton)
