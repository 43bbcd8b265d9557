package pfdimport

import (
	"regexp"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// A national body the reports address in many spellings: its canonical name, sector, and a
// pattern that matches every spelling (the office holder's title included: a report "to the
// Secretary of State for Health and Social Care" is a report to the department).
type body struct {
	name   string
	sector casereview.Sector
	re     *regexp.Regexp
}

func b(name string, sector casereview.Sector, pattern string) body {
	return body{name, sector, regexp.MustCompile(`(?i)` + pattern)}
}

const sos = `(?:the\s+)?(?:rt\.?\s+hon\.?\s+)?(?:secretary\s+of\s+state|minister(?:\s+of\s+state)?)\s+(?:for|of)\s+(?:the\s+)?`

// nationalBodies is the curated alias table. Patterns are tried in order and a place in the
// text goes to the first that matches it.
var nationalBodies = []body{
	b("NHS England", "other", `\bNHS\s*England\b(?:\s*(?:and|&)\s*NHS\s*Improvement)?|\bNHSE(?:/?I)?\b|\bNHS\s*E\s*&\s*I\b`),
	b("Department of Health and Social Care", "government_department", `\bDepartment\s+of\s+Health(?:\s*(?:and|&)\s*Social\s+Care)?\b|\bDHSC\b|`+sos+`(?:Health(?:\s*(?:and|&)\s*Social\s+Care)?|Social\s+Care|Mental\s+Health[\w ,]*?|Care|Public\s+Health[\w ,]*?)\b`),
	b("Department for Transport", "government_department", `\bDepartment\s+(?:for|of)\s+Transport\b|\bDfT\b|`+sos+`(?:Transport|Roads[\w ,]*?|Rail[\w ,]*?)\b`),
	b("Home Office", "government_department", `\bHome\s+Office\b|\bHome\s+Secretary\b|\b(?:Secretary\s+of\s+State\s+for\s+(?:the\s+)?)?Home\s+Department\b|`+sos+`(?:Policing|Crime|Safeguarding|Security)[\w ,]*?\b`),
	b("HM Prison and Probation Service", "prisons", `\b(?:HM|Her\s+Majesty['’]?s|His\s+Majesty['’]?s)\s+Prisons?\s*(?:and|&)\s*Probation\s+Service\b|\bHMPPS\b|^\s*Prison\s+and\s+Probation\s+Service\b`),
	b("Ministry of Justice", "government_department", `\bMinistry\s+of\s+Justice\b|\bMoJ\b|`+sos+`Justice\b|\bLord\s+Chancellor\b|`+sos+`Prisons[\w ,]*?\b`),
	b("Care Quality Commission", "regulator", `\bCare\s+Quality\s+Commission\b|\bCQC\b`),
	b("Medicines and Healthcare products Regulatory Agency", "regulator", `\bMedicines?\s*(?:and|&)\s*Healthcare\s+Products?\s*(?:and\s+)?Regulatory\s+Agency\b|\bMHRA\b|\bMRHA\b`),
	b("Ofsted", "regulator", `\bOfsted\b|\bOffice\s+for\s+Standards\s+in\s+Education\b`),
	b("National Institute for Health and Care Excellence", "regulator", `\bNational\s+Institute\s+(?:for|of)\s+Health\s*(?:and|&)\s*(?:Care|Clinical)\s+Excellence\b|\bNICE\b`),
	b("Department for Education", "government_department", `\bDepartment\s+(?:for|of)\s+Education\b|\bDfE\b|`+sos+`Education\b`),
	b("Department for Work and Pensions", "government_department", `\bDepartment\s+(?:for|of)\s+Work\s*(?:and|&)\s*Pensions\b|\bDWP\b|`+sos+`Work\s*(?:and|&)\s*Pensions\b`),
	b("Ministry of Housing, Communities and Local Government", "government_department", `\b(?:Ministry|Department)\s+(?:of|for)\s+Housing,?\s+Communit(?:y|ies)\s*(?:and|&)\s*Local\s+Government\b|\bDepartment\s+for\s+Levelling\s+Up,?\s+Housing\s*(?:and|&)\s*Communities\b|\bMHCLG\b|\bDLUHC\b|`+sos+`(?:Levelling\s+Up,?\s+)?Housing,?\s+Communities(?:\s*(?:and|&)\s*Local\s+Government)?\b`),
	b("Department for Culture, Media and Sport", "government_department", `\bDepartment\s+(?:for|of)\s+(?:Digital,\s+)?Culture,?\s+Media\s*(?:and|&)\s*Sport\b|\bDCMS\b|`+sos+`(?:Digital,\s+)?Culture,?\s+Media\s*(?:and|&)\s*Sport\b`),
	b("Department for Environment, Food and Rural Affairs", "government_department", `\bDepartment\s+(?:for|of)\s+(?:the\s+)?Environment,?\s+Food\s*(?:and|&)\s*Rural\s+Affairs\b|\bDEFRA\b|`+sos+`(?:the\s+)?Environment,?\s+Food\s*(?:and|&)\s*Rural\s+Affairs\b`),
	b("Department for Business and Trade", "government_department", `\bDepartment\s+(?:for|of)\s+Business\s*(?:and|&)\s*Trade\b|`+sos+`Business\s*(?:and|&)\s*Trade\b`),
	b("Department for Science, Innovation and Technology", "government_department", `\bDepartment\s+(?:for|of)\s+Science,?\s+Innovation\s*(?:and|&)\s*Technology\b|\bDSIT\b|`+sos+`Science,?\s+Innovation\s*(?:and|&)\s*Technology\b`),
	b("Ministry of Defence Police", "police", `\bMinistry\s+of\s+Defence\s+Police\b|\bMDP\b`),
	b("Ministry of Defence", "government_department", `\bMinistry\s+of\s+Defence\b|\bMoD\b|`+sos+`Defence\b`),
	b("Health and Safety Executive", "regulator", `\bHealth\s*(?:and|&)\s*Safety\s+Executive\b|\bHSE\b`),
	b("General Medical Council", "regulator", `\bGeneral\s+Medical\s+Council\b|\bGMC\b`),
	b("Nursing and Midwifery Council", "regulator", `\bNursing\s*(?:and|&)\s*Midwifery\s+Council\b|\bNMC\b`),
	b("Independent Office for Police Conduct", "regulator", `\bIndependent\s+Office\s+(?:for|of)\s+Police\s+Conduct\b|\bIOPC\b`),
	b("National Police Chiefs' Council", "police", `\bNational\s+Police\s+Chiefs['’]?\s+Council\b|\bNPCC\b`),
	b("College of Policing", "police", `\bCollege\s+of\s+Policing\b`),
	b("Driver and Vehicle Licensing Agency", "government_department", `\bDrivers?\s*(?:and|&)\s*Vehicles?\s+Licensing\s+Agency\b|\bDVLA\b`),
	b("Driver and Vehicle Standards Agency", "government_department", `\bDrivers?\s*(?:and|&)\s*Vehicles?\s+Standards\s+Agency\b|\bDVSA\b`),
	b("National Highways", "government_department", `\bNational\s+Highways\b|\bHighways\s+England\b`),
	b("UK Health Security Agency", "government_department", `\bUK\s+Health\s+Security\s+Agency\b|\bUKHSA\b`),
	b("Welsh Government", "government_department", `\bWelsh\s+Government\b|\bWelsh\s+Ministers?\b`),
	b("Chief Coroner", "cps_courts", `\bChief\s+Coroner\b`),
}

// The royal colleges, by what each is of; a misspelling a report uses is listed after it.
var royalColleges = [][]string{
	{"Psychiatrists", "RCPsych"}, {"General Practitioners", "RCGP"}, {"Nursing", "RCN"}, {"Physicians", "RCP"},
	{"Surgeons", "RCS"}, {"Emergency Medicine", "RCEM"}, {"Paediatrics and Child Health", "RCPCH"},
	{"Obstetricians and Gynaecologists", "RCOG"}, {"Anaesthetists", "RCoA"}, {"Radiologists", "RCR", "Radiology"},
	{"Pathologists", "RCPath"}, {"Midwives", "RCM"}, {"Ophthalmologists", "RCOphth"}, {"Veterinary Surgeons", "RCVS"},
	{"Occupational Therapists", "RCOT"}, {"Speech and Language Therapists", "RCSLT"},
}

// The police forces of England and Wales (and the national ones), by the place in their names.
var policeForces = [][2]string{
	{"Avon and Somerset Constabulary", `avon\s*(?:and|&)\s*somerset`}, {"Bedfordshire Police", `bedfordshire`},
	{"Cambridgeshire Constabulary", `cambridgeshire`}, {"Cheshire Constabulary", `cheshire`},
	{"City of London Police", `city\s+of\s+london`}, {"Cleveland Police", `cleveland`}, {"Cumbria Constabulary", `cumbria`},
	{"Derbyshire Constabulary", `derbyshire`}, {"Devon and Cornwall Police", `devon\s*(?:and|&)\s*cornwall`},
	{"Dorset Police", `dorset`}, {"Durham Constabulary", `durham`}, {"Dyfed-Powys Police", `dyfed[\s-]*powys`},
	{"Essex Police", `essex`}, {"Gloucestershire Constabulary", `gloucestershire`},
	{"Greater Manchester Police", `greater\s+manchester`}, {"Gwent Police", `gwent`},
	{"Hampshire and Isle of Wight Constabulary", `hampshire(?:\s*(?:and|&)\s*(?:the\s+)?isle\s+of\s+wight)?`},
	{"Hertfordshire Constabulary", `hertfordshire`}, {"Humberside Police", `humberside`}, {"Kent Police", `kent`},
	{"Lancashire Constabulary", `lancashire`}, {"Leicestershire Police", `leicestershire`},
	{"Lincolnshire Police", `lincolnshire`}, {"Merseyside Police", `merseyside`},
	{"Metropolitan Police Service", `(?:london\s+)?(?:metropolitan|met)`}, {"Norfolk Constabulary", `norfolk`},
	{"North Wales Police", `north\s+wales`}, {"North Yorkshire Police", `north\s+yorkshire`},
	{"Northamptonshire Police", `northamptonshire`}, {"Northumbria Police", `northumbria`},
	{"Nottinghamshire Police", `nottingham(?:\s*(?:and|&)\s*nottinghamshire|shire)?`},
	{"South Wales Police", `south\s+wales`}, {"South Yorkshire Police", `south\s+yorkshire`},
	{"Staffordshire Police", `staffordshire`}, {"Suffolk Constabulary", `suffolk`}, {"Surrey Police", `surrey`},
	{"Sussex Police", `sussex`}, {"Thames Valley Police", `thames\s+valley`}, {"Warwickshire Police", `warwickshire`},
	{"West Mercia Police", `west\s+mercia`}, {"West Midlands Police", `west\s+midlands`},
	{"West Yorkshire Police", `west\s+yorkshire`}, {"Wiltshire Police", `wiltshire`},
	{"British Transport Police", `british\s+transport`},
}

func init() {
	for _, c := range royalColleges {
		alts := []string{`\bRoyal\s+College\s+of\s+` + words(c[0]) + `\b`, `\b` + c[1] + `\b`}
		for _, v := range c[2:] {
			alts = append(alts, `\bRoyal\s+College\s+of\s+`+words(v)+`\b`)
		}
		nationalBodies = append(nationalBodies, b("Royal College of "+c[0], "other", strings.Join(alts, "|")))
	}
	for _, f := range policeForces {
		force := `(?:police(?:\s+service|\s+force)?|constabulary)`
		p := `\b(?:the\s+)?` + f[1] + `\s+` + force + `\b|\bchief\s+constable,?\s+(?:of|for)\s+(?:the\s+)?` + f[1] + `\b(?:\s+` + force + `\b)?`
		if f[0] == "Metropolitan Police Service" {
			p += `|\bcommissioner\s+of\s+(?:the\s+)?police\s+(?:of|for)\s+the\s+metropolis\b`
		}
		nationalBodies = append(nationalBodies, b(f[0], "police", p))
	}
}

func words(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, " and ", `\s*(?:and|&)\s*`), " ", `\s+`)
}

// reNotTheForce follows a force's name when the body is another one: its police and crime (or
// fire) commissioner, or its federation.
var reNotTheForce = regexp.MustCompile(`(?i)^\s*(?:(?:and|&)\s+crime|,?\s*fire\s*(?:and|&)\s*crime|federation)`)

type bodyMatch struct {
	start, end int
	name       string
	sector     casereview.Sector
}

// findBodies finds the national bodies (and police forces) named in s, in order, each place in
// the text going to the first pattern that matches it.
func findBodies(s string) []bodyMatch {
	var out []bodyMatch
	taken := make([]bool, len(s))
	for _, bd := range nationalBodies {
		for _, m := range bd.re.FindAllStringIndex(s, -1) {
			if bd.sector == "police" && reNotTheForce.MatchString(s[m[1]:]) {
				continue
			}
			free := true
			for i := m[0]; i < m[1]; i++ {
				free = free && !taken[i]
			}
			if !free || m[0] == m[1] {
				continue
			}
			for i := m[0]; i < m[1]; i++ {
				taken[i] = true
			}
			out = append(out, bodyMatch{m[0], m[1], bd.name, bd.sector})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// Canonical names the organisation a recipient is: the national body it names (when it names
// exactly one), or the recipient itself, with its sector guessed from its name.
func Canonical(raw string) (name string, sector casereview.Sector, known bool) {
	name, sector, _, known = canonical(raw)
	return name, sector, known
}

// canonical is Canonical that also returns the body's name as the recipient spells it.
func canonical(raw string) (name string, sector casereview.Sector, spelt string, known bool) {
	var names []bodyMatch
	seen := map[string]bool{}
	for _, m := range findBodies(raw) {
		if !seen[m.name] {
			seen[m.name] = true
			names = append(names, m)
		}
	}
	if len(names) == 1 {
		return names[0].name, names[0].sector, tidy(raw[names[0].start:names[0].end]), true
	}
	return raw, GuessSector(raw), raw, false
}

// bodiesIn lists the raw text of the bodies that lie within s[from:to].
func bodiesIn(all []bodyMatch, s string, from, to int) []string {
	var out []string
	for _, m := range all {
		if m.start >= from && m.end <= to {
			out = append(out, s[m.start:m.end])
		}
	}
	return out
}
