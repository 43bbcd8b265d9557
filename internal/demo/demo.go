// Package demo holds an embedded, entirely fictional dataset of partnerships,
// organisations, reviews and recommendations, used to seed demonstrations,
// development databases and tests with content that looks like real
// safeguarding case reviews without naming any real person, place or case.
//
// Keys in the file are local references that link records inside it; they
// are not database identifiers.
//
// Besides the records, the file may tell the life of a recommendation after
// publication, all of it optional (see Install for the order it is replayed in):
//
//   - an addressee's "responses": its formal replies, oldest first (decision,
//     narrative, timetable, reasons, received_on);
//   - an action's "progress": steps, oldest first, each adding "evidence" (a
//     link to an example.invalid address, or a small text file), reviewing
//     earlier evidence of the action by title ("review_evidence", as oversight),
//     and then noting progress or moving the action's status (status,
//     narrative, reason, outcome, and completion_date with a claim of
//     implementation);
//   - a recommendation's "links" to recommendations of other reviews (by review
//     key and number) and oversight's "assessments" of it, oldest first.
//
// Every date in these is a day in the past: the store refuses dates after its
// clock's today, and the web tests fix that clock at 2026-12-01.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
)

//go:embed demo.json
var raw []byte

// DateLayout is the layout of every date in the dataset.
const DateLayout = "2006-01-02"

// pfdResponseDays is the statutory window for replying to a coroner's report.
const pfdResponseDays = 56

// Dataset is the whole demo file.
type Dataset struct {
	FictionalNotice string         `json:"fictional_notice"`
	Partnerships    []Partnership  `json:"partnerships"`
	Organisations   []Organisation `json:"organisations"`
	Reviews         []Review       `json:"reviews"`
}

// Partnership is a commissioning body (CSP, safeguarding partnership, SAB, CDOP, coroner area).
type Partnership struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	AreaCodes []string `json:"area_codes"`
}

// Organisation is anyone a recommendation can be addressed to.
type Organisation struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	Sector  string   `json:"sector"`
	Parent  *string  `json:"parent"`
	// The senior contact escalations go to (fictional, on an .invalid domain).
	SeniorContactName  string `json:"senior_contact_name,omitempty"`
	SeniorContactEmail string `json:"senior_contact_email,omitempty"`
}

// Review is one case review with the recommendations it printed.
type Review struct {
	Key             string           `json:"key"`
	Type            string           `json:"type"`
	Partnership     string           `json:"partnership"`
	Reference       string           `json:"reference"`
	Title           string           `json:"title"`
	Status          string           `json:"status"`
	IncidentYear    *int             `json:"incident_year"`
	CommissionedOn  string           `json:"commissioned_on"`
	PublishedOn     *string          `json:"published_on"`
	ReportURL       *string          `json:"report_url"`
	Summary         string           `json:"summary"`
	Visibility      string           `json:"visibility"`
	Recommendations []Recommendation `json:"recommendations"`
}

// Recommendation is one numbered recommendation (or, for a PFD report, one matter of concern).
type Recommendation struct {
	Number           string      `json:"number"`
	Title            string      `json:"title"`
	Text             string      `json:"text"`
	Scope            string      `json:"scope"`
	InterventionType string      `json:"intervention_type"`
	ResponseDue      *string     `json:"response_due"`
	Addressees       []Addressee `json:"addressees"`
	Themes           []ThemeRef  `json:"themes"`
	Actions          []Action    `json:"actions"`
	// Links and Assessments are written after every review's records, responses and actions,
	// links first (a closure may need one), assessments last (a closure settles the record).
	Links       []Link       `json:"links,omitempty"`
	Assessments []Assessment `json:"assessments,omitempty"`
}

// Link relates this recommendation to another: "<this> <type> <review key, number>".
type Link struct {
	Type   string `json:"type"`
	Review string `json:"review"`
	Number string `json:"number"`
	Note   string `json:"note"`
}

// Assessment is an oversight officer's classification of the recommendation.
type Assessment struct {
	Classification string `json:"classification"`
	Rationale      string `json:"rationale"`
}

// Addressee links a recommendation to an organisation, keeping the text as printed.
type Addressee struct {
	Organisation string `json:"organisation"`
	Role         string `json:"role"`
	RawText      string `json:"raw_text"`
	// Responses are the organisation's formal replies, oldest first, as the response table
	// allows (a holding reply, then a decision; a revised decision gives its reasons).
	Responses []Response `json:"responses,omitempty"`
}

// Response is one formal reply of an addressee.
type Response struct {
	Decision   string `json:"decision"`
	Narrative  string `json:"narrative"`
	Timetable  string `json:"timetable"`
	Reasons    string `json:"reasons"`
	ReceivedOn string `json:"received_on"`
}

// ThemeRef tags a recommendation with a taxonomy code; exactly one is primary.
type ThemeRef struct {
	Code    string `json:"code"`
	Primary bool   `json:"primary"`
}

// Action is an action-plan line owned by one addressee organisation.
type Action struct {
	Organisation string `json:"organisation"`
	Description  string `json:"description"`
	Owner        string `json:"owner"`
	TargetDate   string `json:"target_date"`
	// CompletionDate and Outcome record a completion from before the system (imported, never
	// verified). An action whose completion is tracked claims it in Progress instead.
	CompletionDate *string `json:"completion_date"`
	Outcome        *string `json:"outcome"`
	// Progress is what happened to the action, oldest first.
	Progress []Step `json:"progress,omitempty"`
}

// Step is one moment in an action's life. The installer adds its Evidence (as the owner),
// then reviews ReviewEvidence (as oversight), then, when Status or Narrative is set, records
// the progress (as the owner, or as oversight for the moves only oversight makes).
type Step struct {
	Status         string           `json:"status,omitempty"`
	Narrative      string           `json:"narrative,omitempty"`
	Reason         string           `json:"reason,omitempty"`
	Outcome        *string          `json:"outcome,omitempty"`
	CompletionDate *string          `json:"completion_date,omitempty"` // only with a claim (implemented_pending_verification)
	Evidence       []Evidence       `json:"evidence,omitempty"`
	ReviewEvidence []EvidenceReview `json:"review_evidence,omitempty"`
}

// Evidence is a link (URL) or a small text file (Filename and Content).
type Evidence struct {
	Title        string `json:"title"`
	EvidenceType string `json:"evidence_type"`
	URL          string `json:"url,omitempty"`
	Filename     string `json:"filename,omitempty"`
	Content      string `json:"content,omitempty"`
}

// EvidenceReview is oversight's verdict on earlier evidence of the same action, by its title.
type EvidenceReview struct {
	Title  string `json:"title"`
	Status string `json:"status"` // verified or rejected
	Note   string `json:"note"`
}

// Load decodes the embedded dataset strictly and checks it.
func Load() (*Dataset, error) {
	d, err := decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("demo: embedded dataset is inconsistent: %w", err)
	}
	return d, nil
}

func decode(r io.Reader) (*Dataset, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo: decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("demo: decode: trailing data after the dataset")
	}
	return &d, nil
}

var (
	partnershipKinds = set("community_safety_partnership", "safeguarding_children_partnership",
		"safeguarding_adults_board", "child_death_overview_panel", "coroner_area", "other")
	sectors = set("police", "nhs_trust", "icb", "gp", "ambulance", "la_childrens_services",
		"la_adult_services", "housing", "probation", "prisons", "education", "cps_courts",
		"specialist_da_service", "government_department", "regulator", "other")
	reviewTypes    = set("DHR", "CSPR", "SCR", "CDR", "SAR", "SUSR", "MHHR", "PFD", "OTHER")
	reviewStatuses = set("commissioned", "in_progress", "submitted_for_qa", "published", "withdrawn")
	visibilities   = set("restricted", "shared", "public")
	scopes         = set("local", "regional", "national")
	interventions  = set("training", "policy_procedure", "practice_tool", "information_sharing_it",
		"audit_assurance", "service_commissioning", "governance", "legislation_national_policy",
		"public_awareness", "dissemination", "research_data")
	roles = set("lead", "supporting", "for_information")

	themeCode = regexp.MustCompile(`^([ABC])(\d\d)$`)
	areaCode  = regexp.MustCompile(`^[A-Z]+:\S.*$`)
)

// themeGroupSize is the number of level-2 themes in each group of the taxonomy.
var themeGroupSize = map[string]int{"A": 18, "B": 13, "C": 24}
