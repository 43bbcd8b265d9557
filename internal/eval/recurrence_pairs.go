package eval

// The fictional DHR/CSPR/SAR-style recommendations behind the "recurrence" section, written for
// this project (no real review's text). Each group holds recommendations that ask for
// substantially the same thing, worded as different panels in different years would word them;
// every pair inside a group is judged "same recurrence", every pair across groups "different".
// Groups 11 onwards are near-misses: same sector and topic words, different asks.
type recurGroupItem struct {
	Text   string
	Sector string
	Themes []string
}

var recurGroups = [][]recurGroupItem{
	{ // DASH risk assessment training
		{"The police should ensure that all frontline officers receive refresher training in completing the DASH risk assessment, including how to ask the questions sensitively.", "police", []string{"risk_assessment", "training"}},
		{"Refresher training on the DASH risk identification checklist should be delivered to all response officers so that risk assessments are completed fully and accurately.", "police", []string{"risk_assessment", "training"}},
		{"The Constabulary should provide training to officers attending domestic abuse incidents on the completion of DASH risk assessments and the importance of asking every question.", "police", []string{"risk_assessment", "training"}},
		{"All officers should be trained to complete the DASH risk assessment in full at every domestic abuse incident they attend.", "police", []string{"risk_assessment"}},
	},
	{ // GP routine enquiry about domestic abuse
		{"GP practices should introduce routine enquiry about domestic abuse for patients presenting with anxiety, depression or unexplained injuries.", "health", []string{"professional_curiosity"}},
		{"The ICB should ensure that general practices routinely ask patients about domestic abuse when they present with depression, anxiety or injuries.", "health", []string{"professional_curiosity"}},
		{"Primary care clinicians should make routine enquiry about domestic abuse part of consultations where patients present with mental health concerns or injuries.", "health", []string{"professional_curiosity"}},
	},
	{ // Information sharing MARAC
		{"Agencies should share information about high risk victims with the MARAC promptly and record what was shared and why.", "multi", []string{"information_sharing"}},
		{"All partner agencies should ensure that relevant information about high risk domestic abuse victims is shared with MARAC in a timely way and that the decision to share is recorded.", "multi", []string{"information_sharing"}},
		{"The partnership should remind agencies of their duty to share information with the MARAC about victims assessed as high risk, and to record the information shared.", "multi", []string{"information_sharing"}},
	},
	{ // Think Family / children in household
		{"Adult mental health services should always ask whether there are children in the household and consider their safety when assessing a parent.", "health", []string{"think_family"}},
		{"When assessing adults, mental health practitioners should establish whether children live in or visit the household and consider the risk to those children.", "health", []string{"think_family"}},
		{"Mental health services should adopt a Think Family approach, recording whether the patient cares for or lives with children and assessing the risk to them.", "health", []string{"think_family"}},
	},
	{ // Coercive control awareness for housing
		{"Housing officers should receive training to recognise coercive and controlling behaviour and know how to refer tenants for specialist support.", "housing", []string{"coercive_control", "training"}},
		{"The housing provider should train its staff to identify signs of coercive control and refer tenants to specialist domestic abuse services.", "housing", []string{"coercive_control", "training"}},
		{"Housing staff should be supported through training to recognise coercive controlling behaviour and to make referrals to specialist domestic abuse support.", "housing", []string{"coercive_control"}},
	},
	{ // Economic abuse awareness
		{"Banks and financial services should be made aware of economic abuse and how to support customers whose partners control their finances.", "other", []string{"economic_abuse"}},
		{"Awareness of economic abuse should be raised among financial institutions so that staff can support customers whose finances are controlled by a partner.", "other", []string{"economic_abuse"}},
	},
	{ // Non-fatal strangulation
		{"Frontline practitioners should be trained to recognise non-fatal strangulation as a marker of high risk and to respond accordingly.", "multi", []string{"risk_assessment", "training"}},
		{"Training should be provided so that practitioners understand that non-fatal strangulation is a significant indicator of future homicide risk.", "multi", []string{"risk_assessment", "training"}},
		{"Agencies should ensure staff recognise disclosures of non-fatal strangulation or choking as an indicator of high risk of homicide.", "multi", []string{"risk_assessment"}},
	},
	{ // Substance misuse and domestic abuse joint working
		{"Substance misuse services and domestic abuse services should develop a joint working protocol for clients experiencing both.", "health", []string{"multi_agency"}},
		{"A protocol for joint working between drug and alcohol services and specialist domestic abuse services should be agreed.", "health", []string{"multi_agency"}},
		{"Drug and alcohol treatment services should agree a joint working protocol with domestic abuse services for clients affected by both issues.", "health", []string{"multi_agency"}},
	},
	{ // Perpetrator programmes
		{"Commissioners should ensure there is an accredited perpetrator programme available locally for those who cause domestic abuse.", "local_authority", []string{"perpetrators"}},
		{"The council should commission an accredited domestic abuse perpetrator intervention programme in the area.", "local_authority", []string{"perpetrators"}},
	},
	{ // Older victims / adult social care
		{"Adult social care should recognise that older people can be victims of domestic abuse by their partners and adult children, and reflect this in safeguarding enquiries.", "social_care", []string{"older_people"}},
		{"Safeguarding adults enquiries should consider domestic abuse of older people by partners or adult family members, not only neglect.", "social_care", []string{"older_people"}},
		{"Adult social care practitioners should be alert to domestic abuse of older people by partners and adult children when carrying out safeguarding enquiries.", "social_care", []string{"older_people"}},
	},
	// Near-misses: each one alone (same words as the groups above, a different ask).
	{{"The police should audit a sample of DASH risk assessments each quarter to check the quality of the risk grading.", "police", []string{"risk_assessment", "audit"}}},
	{{"The police should review whether the DASH risk assessment is still the right tool and consider adopting the DARA.", "police", []string{"risk_assessment"}}},
	{{"GP practices should record domestic abuse disclosures using a consistent clinical code so that they are visible to other clinicians.", "health", []string{"recording"}}},
	{{"The MARAC steering group should review the MARAC operating protocol and its attendance by agencies.", "multi", []string{"governance"}}},
	{{"Mental health services should ensure that discharge letters are sent to the GP within seven days.", "health", []string{"discharge"}}},
	{{"Housing providers should have a policy for managing tenancies where a perpetrator has been excluded from the home.", "housing", []string{"housing"}}},
	{{"The partnership should publish this review and disseminate its learning through briefings to practitioners.", "multi", []string{"learning"}}},
	{{"Children's social care should ensure that children's voices are recorded in every assessment.", "social_care", []string{"voice_of_child"}}},
	{{"The Probation Service should ensure that offender managers check police domestic abuse call-out information before sentencing reports.", "probation", []string{"information_sharing"}}},
	{{"The ambulance service should ensure crews record and report signs of strangulation to the police with consent.", "health", []string{"recording"}}},
}
