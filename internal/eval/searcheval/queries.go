package searcheval

import "fmt"

// The judged query set: what a practitioner types into the search box, each with the rule that
// decides, over a recommendation's own text, whether it is relevant. The rules are written from
// the concept a query means, not from what any search engine matches: word forms and spellings
// of the concept, its abbreviation and long form, and the usual ways of saying it ("assessment of
// risk" for risk assessment). They were reviewed by reading samples of the recommendations each
// matches and misses. The real text they are applied to is read from ../shared/corpus at run time
// and never committed.
//
// A quoted query is judged by its phrase (with its word forms and abbreviation), not by the wider
// concept of its plain form: quoting asks for those words together.

// Kinds of query, for the per-kind averages.
const (
	kindTerm   = "single term"
	kindPhrase = "phrase"
	kindAbbrev = "abbreviation"
	kindAgency = "agency name"
	kindTypo   = "typo"
)

type judged struct {
	Q    string // as typed; quoted when it starts with a double quote
	Kind string
	Rule string // RE2, case-insensitive unless it says otherwise
}

// Rules shared by several queries.
const (
	ruleMHA       = `mental health act|\bMHA\b`
	ruleCAMHS     = `\bCAMHS\b|child(?:ren)?(?:'|’)?s? and adolescent mental health|\bCYPMHS\b|children and young people(?:'|’)?s mental health`
	ruleAE        = `\bA\s?&\s?E\b|accident (?:and|&) emergency|emergency departments?\b|(?-i:\bEDs?\b)`
	ruleCrisis    = `crisis (?:resolution (?:and home treatment )?|and home treatment )?teams?\b|home treatment teams?\b|\bCRHTT?s?\b|\bCRT\b`
	rulePICU      = `\bPICUs?\b|psychiatric intensive care`
	ruleRiskAsses = `\brisk[- ]assess|assess\w*\W+(?:(?:of|the|their|his|her|any|a)\W+)?risks?\b`
	ruleDischarge = `discharg\w*\W+(?:\w+\W+){0,3}?plan|plan\w*\W+(?:\w+\W+){0,3}?discharg`
	ruleInfoShare = `information[- ]shar|shar\w*\W+(?:\w+\W+){0,3}?information|information\W+(?:\w+\W+){0,2}?shar`
	ruleSafeRef   = `safeguarding\W+(?:\w+\W+){0,3}?referr|referr\w*\W+(?:\w+\W+){0,4}?safeguarding`
	ruleSuicide   = `\bsuicid`
	ruleMedicat   = `\bmedicat`
	ruleEpilepsy  = `\bepilep|\bSUDEP\b`
	ruleDementia  = `\bdementia`
	ruleAmbulance = `\bambulance`
	ruleLigature  = `\bligature`
	ruleS136      = `\bs\.?\s?136\b|section 136\b`
	ruleHandover  = `\bhand[- ]?overs?\b|\bhanded over\b`
	ruleMissed    = `\bmissed opportunit`
	ruleCarePlan  = `\bcare[- ]plan`
	ruleOOH       = `\bout[- ]of[- ]hours\b|\bOOH\b`
)

// near is a rule for two concepts within n words of each other, in either order.
func near(a, b string, n int) string {
	return fmt.Sprintf(`(?:%[1]s)\W+(?:\w+\W+){0,%[3]d}?(?:%[2]s)|(?:%[2]s)\W+(?:\w+\W+){0,%[3]d}?(?:%[1]s)`, a, b, n)
}

var queries = []judged{
	// Single words.
	{"ligature", kindTerm, ruleLigature},
	{"sepsis", kindTerm, `\bsepsis\b|\bseptic(?:aemia)?\b`},
	{"dementia", kindTerm, ruleDementia},
	{"epilepsy", kindTerm, ruleEpilepsy},
	{"anaphylaxis", kindTerm, `\banaphyla`},
	{"pedestrians", kindTerm, `\bpedestrian`},
	{"cyclists", kindTerm, `\bcyclists?\b|\bbicycl|\bcycling\b|\bcycle lanes?\b`},
	{"handover", kindTerm, ruleHandover},
	{"medication", kindTerm, ruleMedicat},
	{"autism", kindTerm, `\bautis|\bASD\b`},
	{"prison", kindTerm, `\bprison`},
	{"observations", kindTerm, `\bobservations?\b`},
	{"suicide", kindTerm, ruleSuicide},
	{"ambulance", kindTerm, ruleAmbulance},

	// Phrases typed plain, and some typed in quotes.
	{"self-harm", kindPhrase, `\bself[- ]?harm`},
	{"multi-agency", kindPhrase, `\bmulti[- ]?agency`},
	{"risk assessment", kindPhrase, ruleRiskAsses},
	{`"risk assessment"`, kindPhrase, `\brisk[- ]assessments?\b`},
	{"safeguarding referral", kindPhrase, ruleSafeRef},
	{"discharge planning", kindPhrase, ruleDischarge},
	{`"discharge planning"`, kindPhrase, `discharge plan`},
	{"mental health act", kindPhrase, ruleMHA},
	{`"mental health act"`, kindPhrase, ruleMHA},
	{"speed limit", kindPhrase, `\bspeed limits?\b`},
	{`"speed limit"`, kindPhrase, `\bspeed limits?\b`},
	{"care home", kindPhrase, `\bcare[- ]homes?\b|\bnursing homes?\b|\bresidential homes?\b`},
	{`"care home"`, kindPhrase, `\bcare[- ]homes?\b`},
	{"information sharing", kindPhrase, ruleInfoShare},
	{`"information sharing"`, kindPhrase, `\binformation[- ]sharing\b|\bsharing (?:of )?information\b`},
	{"safety plan", kindPhrase, `\bsafety[- ]plan`},
	{"learning disability", kindPhrase, `\blearning disabilit`},
	{"eating disorder", kindPhrase, `\beating disorders?\b|\banorexi|\bbulimi|\bARFID\b`},
	{`"eating disorder"`, kindPhrase, `\beating disorders?\b`},
	{"social media", kindPhrase, `\bsocial media\b`},
	{`"social media"`, kindPhrase, `\bsocial media\b`},
	{"crisis team", kindPhrase, ruleCrisis},
	{`"crisis team"`, kindPhrase, ruleCrisis},
	{"psychiatric intensive care unit", kindPhrase, rulePICU},
	{`"level crossing"`, kindPhrase, `\blevel crossings?\b`},
	{"out of area placement", kindPhrase, `\bout[- ]of[- ]area\b`},

	// Several words that name one concern, typed plain: the words may stand apart in what is
	// relevant, so the rules ask for them near each other.
	{"ambulance response times", kindPhrase, near(`\bambulances?\b`, `respon\w*|wait\w*|delay\w*|arriv\w*`, 6)},
	{"mental health assessment", kindPhrase, near(`mental health`, `assess\w*`, 4) + `|psychiatric assessment`},
	{"welfare check", kindPhrase, `welfare (?:check|visit)|safe and well (?:check|visit)`},
	{"bed availability", kindPhrase, near(`\bbeds?\b`, `availab\w*|shortage\w*|capacity|unavailab\w*`, 5)},
	{"medication review", kindPhrase, near(`\bmedications?\b`, `review\w*`, 4)},
	{"staff training", kindPhrase, near(`\bstaff\b`, `\btrain\w*`, 4)},
	{"missed opportunity", kindPhrase, ruleMissed},
	{`"missed opportunity"`, kindPhrase, ruleMissed},
	{"lack of communication", kindPhrase, `lack of (?:\w+\W+){0,2}?communicat|poor\W+(?:\w+\W+){0,2}?communicat|communication (?:failure|breakdown)`},
	{"drug and alcohol", kindPhrase, near(`\bdrugs?\b`, `\balcohol\b`, 4) + `|substance (?:mis)?use`},
	{"family involvement", kindPhrase, near(`\bfamil(?:y|ies)\b`, `involv\w*|engag\w*|consult\w*`, 4)},
	{"waiting list", kindPhrase, `\bwaiting (?:list|time)s?`},
	{"prison healthcare", kindPhrase, near(`\bprison\w*`, `health\s?care|medical|nurs\w*`, 8)},
	{"falls risk", kindPhrase, `\bfalls? (?:risk|assessment|prevention)|\bfell\b|\bfalls\b`},
	{"out of hours", kindPhrase, ruleOOH},
	{`"out of hours"`, kindPhrase, ruleOOH},
	{"care plan", kindPhrase, ruleCarePlan},
	{`"care plan"`, kindPhrase, ruleCarePlan},
	{"physical health", kindPhrase, `\bphysical health`},
	{"road safety", kindPhrase, `\broad safety`},

	// Abbreviations.
	{"CAMHS", kindAbbrev, ruleCAMHS},
	{"A&E", kindAbbrev, ruleAE},
	{"accident and emergency", kindAbbrev, ruleAE},
	{"s136", kindAbbrev, ruleS136},
	{"section 136", kindAbbrev, ruleS136},
	{"MHA", kindAbbrev, ruleMHA},
	{"AMHP", kindAbbrev, `\bAMHPs?\b|approved mental health professional`},
	{"PICU", kindAbbrev, rulePICU},
	{"GP", kindAbbrev, `\bGPs?\b|general practi`},
	{"NEWS2", kindAbbrev, `\bNEWS\s?2\b|national early warning score`},

	// Agencies, by abbreviation and by name.
	{"CQC", kindAgency, `\bCQC\b|care quality commission`},
	{"NHS England", kindAgency, `NHS England|\bNHSE\b`},
	{"DVLA", kindAgency, `\bDVLA\b|driver and vehicle licensing agency`},
	{"Department of Health and Social Care", kindAgency, `\bDHSC\b|department of health and social care`},
	// The IOPC replaced the Independent Police Complaints Commission in 2018; older reports name that.
	{"IOPC", kindAgency, `\bIOPC\b|independent office for police conduct|\bIPCC\b|independent police complaints commission`},
	{"HMPPS", kindAgency, `\bHMPPS\b|prison and probation service`},
	{"integrated care board", kindAgency, `\bICBs?\b|integrated care boards?`},
	{"MHRA", kindAgency, `\bMHRA\b|medicines and healthcare products regulatory agency`},
	{"National Highways", kindAgency, `national highways|highways england`},

	// One typo.
	{"sucide", kindTypo, ruleSuicide},
	{"medicaton", kindTypo, ruleMedicat},
	{"epilepsey", kindTypo, ruleEpilepsy},
	{"dementa", kindTypo, ruleDementia},
	{"handovr", kindTypo, ruleHandover},
	{"ligatre", kindTypo, ruleLigature},
}
